import type { SessionEndReason } from '../session-events';
import { SessionErrorCode } from '../errors';

const CODES: Record<SessionEndReason, string> = {
  logout: SessionErrorCode.SESSION_LOGGED_OUT,
  revoked: SessionErrorCode.SESSION_REVOKED,
  evicted: SessionErrorCode.SESSION_EVICTED,
  timeout: SessionErrorCode.SESSION_TIMEOUT,
  expired: SessionErrorCode.SESSION_EXPIRED,
  binding: SessionErrorCode.SESSION_REVOKED,
};

/** @internal the code a socket gets in `session:ended` for the reason its session ended. */
export function endedCodeOf(reason: SessionEndReason): string {
  return CODES[reason] ?? SessionErrorCode.SESSION_REVOKED;
}
