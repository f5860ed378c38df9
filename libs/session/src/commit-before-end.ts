import type { Request, Response } from 'express';
import { SessionErrors } from './errors';
import { sessionOf } from './request-session';

type End = (...args: unknown[]) => Response;

/**
 * Holds the end of a response until the session the request changed is saved. express-session
 * itself saves after the status line is written, so a failed save would leave a success whose
 * change was lost; here it becomes a 503 SESSION_STORE_UNAVAILABLE instead. Call it after
 * express-session, so that this end runs first.
 */
export function commitBeforeEnd(
  req: Request,
  res: Response,
  hasUnsavedChanges: (session: object) => boolean,
): void {
  const end = res.end as unknown as End;
  res.end = function commitThenEnd(...args: unknown[]) {
    const session = sessionOf(req);
    if (res.headersSent || !session || !needsSave(hasUnsavedChanges, session))
      return end.apply(res, args);
    session.save((err) => {
      if (!err) return end.apply(res, args);
      const body = JSON.stringify(SessionErrors.storeUnavailable().getResponse());
      res.statusCode = 503;
      res.removeHeader('ETag');
      res.removeHeader('Location');
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      end.call(res, body);
    });
    return res;
  } as unknown as Response['end'];
}

function needsSave(hasUnsavedChanges: (session: object) => boolean, session: object): boolean {
  return hasUnsavedChanges(session) && !Object.keys(session).every((key) => key === 'cookie');
}
