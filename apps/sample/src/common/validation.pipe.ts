import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { SessionHttpException } from 'nest-session-kit';

/** Whitelisting validation: unknown fields are refused; errors list messages per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) =>
      new SessionHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', {
        errors: flatten(errors),
      }),
  });
}

function flatten(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix + error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(out, flatten(error.children, `${path}.`));
  }
  return out;
}
