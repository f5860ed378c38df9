import type { Request } from 'express';
import type { SessionHttpException } from '../errors';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

const ENDED = Symbol('nest-session-kit.sessionEnded');

type RequestWithEnd = Request & { [ENDED]?: SessionHttpException };

/** @internal records why this request's session was just ended (timeout, binding, ...). */
export function markSessionEnded(req: SessionRequest, reason: SessionHttpException): void {
  (nodeRequestOf(req) as RequestWithEnd)[ENDED] = reason;
}

/** @internal the error to answer instead of AUTH_REQUIRED, when the session just ended. */
export function endedSessionError(req: SessionRequest): SessionHttpException | undefined {
  return (nodeRequestOf(req) as RequestWithEnd)[ENDED];
}
