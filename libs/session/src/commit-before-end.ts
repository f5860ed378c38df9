import type { Request, Response } from 'express';
import { SessionErrors } from './errors';
import { sessionOf } from './request-session';

type End = (...args: unknown[]) => Response;

/**
 * Holds the end of a response until the session the request changed is saved. express-session
 * itself saves after the status line is written, so a failed save would leave a success whose
 * change was lost; here it becomes a 503 SESSION_STORE_UNAVAILABLE instead. Call it after
 * express-session, so that this end runs first.
 *
 * Express ends a response with `res.end(body)` alone; Fastify writes the head first
 * (`res.writeHead(status, headers)`, then `res.end(payload)`): that head is held back too while
 * the session has changes to save, and dropped if the save fails. A body streamed with
 * `res.write` before the end lets the head go out (the save then follows as express-session's).
 */
export function commitBeforeEnd(
  req: Request,
  res: Response,
  hasUnsavedChanges: (session: object) => boolean,
): void {
  const end = res.end as unknown as End;
  const writeHead = res.writeHead as unknown as End;
  const write = res.write as unknown as End;
  let heldHead: unknown[] | undefined;
  const pending = () => {
    const session = sessionOf(req);
    return session !== undefined && needsSave(hasUnsavedChanges, session);
  };
  const releaseHead = () => {
    const head = heldHead;
    heldHead = undefined;
    if (head) writeHead.apply(res, head);
  };
  res.writeHead = function holdHead(...args: unknown[]) {
    if (res.headersSent || heldHead || !pending()) return writeHead.apply(res, args);
    heldHead = args;
    return res;
  } as unknown as Response['writeHead'];
  res.write = function writeAfterHead(...args: unknown[]) {
    releaseHead();
    return write.apply(res, args);
  } as unknown as Response['write'];
  res.end = function commitThenEnd(...args: unknown[]) {
    const session = sessionOf(req);
    if (res.headersSent || !session || (!heldHead && !needsSave(hasUnsavedChanges, session))) {
      releaseHead();
      return end.apply(res, args);
    }
    session.save((err) => {
      if (!err) {
        releaseHead();
        return end.apply(res, args);
      }
      heldHead = undefined;
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
