import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  applySessionDefaults,
  type ResolvedSessionOptions,
  type SessionModuleOptions,
} from './session.options';
import { validateSessionOptions } from './session-options.validation';
import { findUnknownOptions } from './session-options.keys';

const logger = new Logger('SessionModule');

/** One per process, so that every module instance of an app signs alike. */
let developmentSecret: string | undefined;

/**
 * @internal What the module does with the options it is given: unknown keys refused, defaults
 * applied, a random secret in development when none is set (with a warning), then every invalid
 * option reported at once in one SessionConfigurationError.
 */
export function resolveSessionOptions(raw: SessionModuleOptions): ResolvedSessionOptions {
  const options = raw ?? ({} as SessionModuleOptions);
  const unknown = findUnknownOptions(options);
  const resolved = applySessionDefaults(options);
  if (options.secret === undefined && !resolved.production) {
    resolved.secret = [developmentSecretOnce()];
  }
  return validateSessionOptions(resolved, unknown);
}

function developmentSecretOnce(): string {
  if (developmentSecret === undefined) {
    developmentSecret = randomBytes(32).toString('hex');
    logger.warn(
      'No session secret set: using a random one for this process, so sessions end when it ' +
        'restarts. Set `secret` (required in production).',
    );
  }
  return developmentSecret;
}
