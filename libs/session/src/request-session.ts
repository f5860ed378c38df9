import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { SessionPrincipal } from './session.types';

/** @internal the request's session, if the middleware gave it one. */
export function sessionOf(req: Request): (Session & Partial<SessionData>) | undefined {
  return (req as Request & { session?: Session & Partial<SessionData> }).session;
}

/** @internal the signed-in principal of the request, if any. */
export function principalOf(req: Request): SessionPrincipal | undefined {
  const user = sessionOf(req)?.user;
  return user && typeof user.id === 'string' && Array.isArray(user.roles) ? user : undefined;
}
