import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from 'nest-session-kit';

export const userNotFound = () =>
  new SessionHttpException(HttpStatus.NOT_FOUND, 'USER_NOT_FOUND', 'User not found');
