import type { Request } from 'express';
import type { SessionHttpException } from '../errors';

const ENDED = Symbol('nest-session-kit.sessionEnded');

type RequestWithEnd = Request & { [ENDED]?: SessionHttpException };

/** @internal records why this request's session was just ended (timeout, binding, ...). */
export function markSessionEnded(req: Request, reason: SessionHttpException): void {
  (req as RequestWithEnd)[ENDED] = reason;
}

/** @internal the error to answer instead of AUTH_REQUIRED, when the session just ended. */
export function endedSessionError(req: Request): SessionHttpException | undefined {
  return (req as RequestWithEnd)[ENDED];
}
