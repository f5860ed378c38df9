import type { Request } from 'express';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

const NEW_SESSION = Symbol('nest-session-kit.newSession');

type MarkedRequest = Request & { [NEW_SESSION]?: boolean };

/** @internal marks that this request's session was generated here, not loaded from a cookie. */
export function markNewSession(req: SessionRequest): void {
  (nodeRequestOf(req) as MarkedRequest)[NEW_SESSION] = true;
}

/** Whether the request arrived with a cookie for a session that exists in the store. */
export function hasLiveSession(request: SessionRequest): boolean {
  const req = nodeRequestOf(request);
  return (
    (req as { session?: unknown }).session !== undefined && !(req as MarkedRequest)[NEW_SESSION]
  );
}
