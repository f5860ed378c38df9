import { jsonEqual } from './session-patch';

/** The cookie of a stored session, as express-session's Cookie serialises it. */
export interface StoredCookie {
  originalMaxAge?: number | null;
  expires?: string | Date | null;
  [attribute: string]: unknown;
}

/** A change of `originalMaxAge` this small is express-session's own drift (its touch re-reads the clock). */
const MAX_AGE_DRIFT_MS = 1000;

/** When the cookie expires (ms since the epoch), or null for a browser-session cookie. */
export function cookieExpiresAt(cookie: StoredCookie): number | null {
  if (cookie.expires === null || cookie.expires === undefined) return null;
  const at = new Date(cookie.expires).getTime();
  return Number.isNaN(at) ? null : at;
}

/**
 * How long the store keeps a session being written: until its cookie expires, at most the
 * store's ttl. Zero or less: the cookie has expired, and the session must not be stored.
 */
export function writeTtlMs(cookie: StoredCookie, storeTtlMs: number, now: number): number {
  const expiresAt = cookieExpiresAt(cookie);
  return expiresAt === null ? storeTtlMs : Math.min(storeTtlMs, expiresAt - now);
}

/**
 * How long the store keeps a session after a read. express-session's touch gives the cookie its
 * `originalMaxAge` again from now on every request, so a read slides the expiry by as much, at
 * most the store's ttl; a cookie without a max age keeps its own expiry.
 */
export function readTtlMs(cookie: StoredCookie, storeTtlMs: number, now: number): number {
  const maxAge = cookie.originalMaxAge;
  if (typeof maxAge === 'number' && Number.isFinite(maxAge)) return Math.min(storeTtlMs, maxAge);
  return writeTtlMs(cookie, storeTtlMs, now);
}

/** The cookie as the read left it: `expires` moved to where the read slid it. */
export function slideCookie(cookie: StoredCookie, now: number): void {
  const maxAge = cookie.originalMaxAge;
  if (typeof maxAge === 'number' && Number.isFinite(maxAge) && cookie.expires) {
    cookie.expires = new Date(now + maxAge).toISOString();
  }
}

/**
 * Whether a request changed the cookie itself (its max age or an attribute), which must then be
 * written; the expiry moving on is not a change (every read slides it).
 */
export function cookieChanged(before: StoredCookie | undefined, after: StoredCookie): boolean {
  if (!before) return true;
  const { expires: _e1, originalMaxAge: ageBefore, ...restBefore } = before;
  const { expires: _e2, originalMaxAge: ageAfter, ...restAfter } = after;
  if (!jsonEqual(restBefore, restAfter)) return true;
  if (typeof ageBefore === 'number' && typeof ageAfter === 'number') {
    return Math.abs(ageBefore - ageAfter) > MAX_AGE_DRIFT_MS;
  }
  return (ageBefore ?? null) !== (ageAfter ?? null);
}
