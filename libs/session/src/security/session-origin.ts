import type { Request } from 'express';

const NEW_SESSION = Symbol('nest-session-kit.newSession');

type MarkedRequest = Request & { [NEW_SESSION]?: boolean };

/** @internal marks that this request's session was generated here, not loaded from a cookie. */
export function markNewSession(req: Request): void {
  (req as MarkedRequest)[NEW_SESSION] = true;
}

/** Whether the request arrived with a cookie for a session that exists in the store. */
export function hasLiveSession(req: Request): boolean {
  return (
    (req as { session?: unknown }).session !== undefined && !(req as MarkedRequest)[NEW_SESSION]
  );
}
