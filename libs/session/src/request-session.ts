import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { SessionPrincipal } from './session.types';
import { nodeRequestOf, type SessionRequest } from './http/node-request';

/** @internal the request's session, if the middleware gave it one. */
export function sessionOf(req: SessionRequest): (Session & Partial<SessionData>) | undefined {
  return (nodeRequestOf(req) as Request & { session?: Session & Partial<SessionData> }).session;
}

/** @internal the signed-in principal of the request, if any. */
export function principalOf(req: SessionRequest): SessionPrincipal | undefined {
  const user = sessionOf(req)?.user;
  return user && typeof user.id === 'string' && Array.isArray(user.roles) ? user : undefined;
}
