import type { Request, Response } from 'express';
import { hasLiveSession } from './session-origin';
import { isDetached, isEmptyDetachedSession } from './detached-session';

/**
 * @internal The session's last word on the response headers, as they are written and after
 * express-session set its cookie (express-session wraps `writeHead` later, so runs first): no
 * cookie for a detached session that holds nothing, and with `noStore`, `Cache-Control:
 * no-store` when the request has a session (it arrived with a live one, or the response sets
 * or clears the session cookie). Call before express-session runs.
 */
export function finishSessionHeaders(
  req: Request,
  res: Response,
  { cookieName, noStore }: { cookieName: string; noStore: boolean },
): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (isEmptyDetachedSession(req)) dropCookie(res, cookieName);
    if (noStore && (hasLiveSession(req) || isDetached(req) || setsCookie(res, cookieName))) {
      res.setHeader('Cache-Control', 'no-store');
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

function cookiesOf(res: Response): string[] {
  const header = res.getHeader('set-cookie');
  return Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
}

function setsCookie(res: Response, cookieName: string): boolean {
  return cookiesOf(res).some((cookie) => cookie.startsWith(`${cookieName}=`));
}

function dropCookie(res: Response, cookieName: string): void {
  const others = cookiesOf(res).filter((cookie) => !cookie.startsWith(`${cookieName}=`));
  if (others.length > 0) res.setHeader('Set-Cookie', others);
  else res.removeHeader('Set-Cookie');
}
