import type { ResolvedSessionOptions } from '../session.options';
import type { SessionAuthInfo } from '../session.types';
import type { SessionEndReason } from '../session-events';
import { SessionErrors, type SessionHttpException } from '../errors';

export interface SessionViolation {
  reason: SessionEndReason;
  error: SessionHttpException;
}

/** What a check may ask of the request; `ip` and `userAgent` are read only when bound. */
export interface RequestFacts {
  now: number;
  ip(): string | undefined;
  userAgent(): string | undefined;
}

/** Why an authenticated session may not be used for this request, if it may not. */
export function findViolation(
  auth: SessionAuthInfo,
  facts: RequestFacts,
  options: ResolvedSessionOptions,
): SessionViolation | undefined {
  const { absoluteTimeout, idleTimeout } = options;
  if (absoluteTimeout !== false && facts.now - auth.createdAt > absoluteTimeout) {
    return { reason: 'expired', error: SessionErrors.sessionExpired() };
  }
  if (idleTimeout !== false && facts.now - auth.lastActivityAt > idleTimeout) {
    return { reason: 'timeout', error: SessionErrors.sessionTimeout() };
  }
  if (options.bindIp && auth.ip !== facts.ip()) {
    return { reason: 'binding', error: SessionErrors.ipMismatch() };
  }
  if (options.bindUserAgent && auth.userAgent !== facts.userAgent()) {
    return { reason: 'binding', error: SessionErrors.userAgentMismatch() };
  }
  return undefined;
}

/**
 * How often activity is stamped: the configured resolution, but at most a tenth of the idle
 * timeout, so a stale stamp can never make a session time out much early.
 */
export function activityWindow(options: ResolvedSessionOptions): number {
  const { activityResolution, idleTimeout } = options;
  if (idleTimeout === false) return activityResolution;
  return Math.max(1, Math.min(activityResolution, Math.floor(idleTimeout / 10)));
}

export function isRotationDue(auth: SessionAuthInfo, now: number, options: ResolvedSessionOptions) {
  return (
    options.rotateEvery !== false && now - (auth.rotatedAt ?? auth.createdAt) > options.rotateEvery
  );
}
