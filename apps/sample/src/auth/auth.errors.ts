import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from 'nest-session-kit';

export const AuthErrors = {
  invalidCredentials: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      'INVALID_CREDENTIALS',
      'Invalid email or password',
    ),
  invalidMfaCode: () =>
    new SessionHttpException(HttpStatus.UNAUTHORIZED, 'INVALID_MFA_CODE', 'Invalid MFA code'),
  mfaNotPending: () =>
    new SessionHttpException(
      HttpStatus.BAD_REQUEST,
      'MFA_NOT_PENDING',
      'No MFA verification is pending: log in with your password first',
    ),
  weakPassword: (reason: string) =>
    new SessionHttpException(HttpStatus.BAD_REQUEST, 'WEAK_PASSWORD', reason, {
      errors: { newPassword: [reason] },
    }),
};
