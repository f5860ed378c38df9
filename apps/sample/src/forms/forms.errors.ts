import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from 'nest-session-kit';

export const FormErrors = {
  formNotFound: () =>
    new SessionHttpException(HttpStatus.NOT_FOUND, 'FORM_NOT_FOUND', 'No such form'),
  draftNotFound: () =>
    new SessionHttpException(
      HttpStatus.NOT_FOUND,
      'FORM_DRAFT_NOT_FOUND',
      'Nothing was saved for this form yet',
    ),
  stepOutOfRange: (steps: number) =>
    new SessionHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', {
      errors: { step: [`step must be from 1 to ${steps} for this form`] },
    }),
  incomplete: (missingSteps: number[]) =>
    new SessionHttpException(
      HttpStatus.BAD_REQUEST,
      'FORM_INCOMPLETE',
      `Complete every step before submitting: ${missingSteps.join(', ')} missing`,
      { missingSteps },
    ),
};
