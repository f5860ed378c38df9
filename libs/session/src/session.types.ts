import type { Session as ExpressSession, SessionData } from 'express-session';

/** The signed-in principal, kept at `session.user`. */
export interface SessionPrincipal {
  id: string;
  email?: string;
  roles: string[];
}

/** Login bookkeeping, kept at `session.auth`. Times are epoch milliseconds. */
export interface SessionAuthInfo {
  createdAt: number;
  authenticatedAt: number;
  lastActivityAt: number;
  /** When the session id was last changed (login, rotation). */
  rotatedAt: number;
  ip?: string;
  userAgent?: string;
  /** The handle under which the per-user registry lists this session. */
  handle?: string;
}

declare module 'express-session' {
  interface SessionData {
    user?: SessionPrincipal;
    auth?: SessionAuthInfo;
    csrfToken?: string;
  }
}

/**
 * The typed session of a request: express-session's `Session` plus `SessionData`, which apps
 * extend by augmenting `express-session`'s `SessionData` interface.
 */
export type AppSession = ExpressSession & Partial<SessionData>;
