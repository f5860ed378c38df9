import type { Request } from 'express';
import type { Session, Store } from 'express-session';
import { sessionOf } from '../request-session';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

const DETACHED = Symbol('nest-session-kit.detachedSession');

type MarkedRequest = Request & { [DETACHED]?: true };
type GeneratingStore = Store & { generate(req: Request): void };

/**
 * @internal Gives the request a new anonymous session of its own, leaving the session its
 * cookie named as it was in the store (not written, not even touched). The new session is
 * stored, and its cookie sent, only if the request puts data in it.
 */
export function detachSession(request: SessionRequest, store: Store): void {
  const req = nodeRequestOf(request);
  (store as GeneratingStore).generate(req);
  (req as MarkedRequest)[DETACHED] = true;
  const session = sessionOf(req) as Session;
  const save = session.save.bind(session);
  Object.defineProperty(session, 'save', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: (callback?: (err?: unknown) => void) => {
      if (!isEmpty(session)) return save(callback);
      callback?.();
      return session;
    },
  });
}

/** @internal whether the request runs on a detached session that holds nothing to keep. */
export function isEmptyDetachedSession(req: SessionRequest): boolean {
  const session = sessionOf(req);
  return (
    (nodeRequestOf(req) as MarkedRequest)[DETACHED] === true &&
    session !== undefined &&
    isEmpty(session)
  );
}

/** @internal whether the request's own session was set aside by `detachSession`. */
export function isDetached(req: SessionRequest): boolean {
  return (nodeRequestOf(req) as MarkedRequest)[DETACHED] === true;
}

function isEmpty(session: object): boolean {
  return Object.keys(session).every((key) => key === 'cookie');
}
