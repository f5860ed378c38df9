import { createHmac, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

const NEXT_ID = Symbol('nest-session-kit.nextSessionId');

type RequestWithNextId = Request & { [NEXT_ID]?: string };

/**
 * @internal The id a session gets when it is rotated at a given point: derived from its id and
 * its last rotation with the signing secret, so that two requests rotating the same session at
 * once (two tabs, both due) give it the same successor, which the registry lists once and a
 * revocation ends, rather than two sessions of which one is unlisted.
 */
export function successorIdOf(secret: string, sid: string, rotatedAt: number): string {
  return createHmac('sha256', secret)
    .update(`nest-session-kit rotation\n${sid}\n${rotatedAt}`)
    .digest('base64url')
    .slice(0, 32);
}

/** @internal the id the next session generated for this request gets. */
export function setNextSessionId(req: SessionRequest, sid: string): void {
  (nodeRequestOf(req) as RequestWithNextId)[NEXT_ID] = sid;
}

/**
 * @internal express-session's `genid`: the successor set for this request, else the app's own
 * `genid`, else 24 random bytes (express-session's default length).
 */
export function sessionIdGenerator(genid?: (req: Request) => string): (req: Request) => string {
  return (req) => {
    const next = (req as RequestWithNextId)[NEXT_ID];
    if (next !== undefined) {
      delete (req as RequestWithNextId)[NEXT_ID];
      return next;
    }
    return genid ? genid(req) : randomBytes(24).toString('base64url');
  };
}
