import {
  HttpStatus,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { SessionHttpException } from 'nest-session-kit';

const CHECKED_SOURCES = new Set<ArgumentMetadata['type']>(['body', 'query']);

/**
 * Unknown body and query keys are refused before class-transformer sees them: it silently
 * drops keys named like the members of an object's prototype (`constructor`, `toString`,
 * `valueOf`, ...), which whitelisting would then never see.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unknown = unknownKeys(value, metadata);
    if (unknown.length > 0) {
      const errors = Object.fromEntries(
        unknown.map((key) => [key, [`property ${key} should not exist`]]),
      );
      throw validationFailed(errors);
    }
    return super.transform(value, metadata);
  }
}

function unknownKeys(value: unknown, { type, metatype }: ArgumentMetadata): string[] {
  if (!CHECKED_SOURCES.has(type) || typeof metatype !== 'function') return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const declared = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  if (declared.length === 0) return [];
  const known = new Set(declared.map((rule) => rule.propertyName));
  return Object.keys(value).filter((key) => !known.has(key));
}

function validationFailed(errors: Record<string, string[]>): SessionHttpException {
  return new SessionHttpException(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    'Validation failed',
    {
      errors,
    },
  );
}

/** Whitelisting validation: unknown fields are refused; errors list messages per field. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
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
