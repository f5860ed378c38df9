import type { Request, Response } from 'express';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors, type SessionHttpException } from '../errors';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

const HEADER_SESSION = Symbol('nest-session-kit.headerSession');

type MarkedRequest = Request & { [HEADER_SESSION]?: true };

/** Whether the request's session rides in a header (a bearer token), not in a cookie. */
export function isHeaderSession(req: SessionRequest): boolean {
  return (nodeRequestOf(req) as MarkedRequest)[HEADER_SESSION] === true;
}

/**
 * @internal Makes the request's session a header session: its response never sets the session
 * cookie, whatever express-session decides at the end of the request.
 */
export function markHeaderSession(
  req: SessionRequest,
  res: Response | undefined,
  cookieName: string,
) {
  if (isHeaderSession(req)) return;
  (nodeRequestOf(req) as MarkedRequest)[HEADER_SESSION] = true;
  if (!res) return;
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() !== 'set-cookie') return setHeader(name, value);
    const kept = [value].flat().filter((cookie) => !String(cookie).startsWith(`${cookieName}=`));
    return kept.length > 0 ? setHeader(name, kept as string[]) : res;
  }) as Response['setHeader'];
}

/** Whether the Cookie header carries a cookie of this name. */
export function hasCookie(cookieHeader: string | undefined, name: string): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((pair) => pair.trimStart().startsWith(`${name}=`));
}

/**
 * @internal Reads a header session before express-session runs: the token becomes the session
 * cookie express-session verifies and loads, and the request is marked as a header session.
 * A request with both a session cookie and a token is refused with 400 AMBIGUOUS_SESSION.
 */
export class HeaderSessionReader {
  private readonly headerName: string;
  private readonly prefix: string;
  private readonly cookieName: string;

  constructor(options: ResolvedSessionOptions) {
    this.headerName = options.headerSessions.headerName;
    this.prefix = options.headerSessions.scheme ? `${options.headerSessions.scheme} ` : '';
    this.cookieName = options.name;
  }

  /** The token presented, if the request has one in the configured header and scheme. */
  tokenOf(headerValue: string | string[] | undefined): string | undefined {
    if (typeof headerValue !== 'string') return undefined;
    const value = headerValue.trim();
    if (value.slice(0, this.prefix.length).toLowerCase() !== this.prefix.toLowerCase()) {
      return undefined;
    }
    const token = value.slice(this.prefix.length).trim();
    return /^[\w\-.+/]{1,512}$/.test(token) ? token : undefined;
  }

  /** Undefined when the request may go on (with or without a header session), else the error. */
  prepare(req: Request, res: Response): SessionHttpException | undefined {
    const token = this.tokenOf(req.headers[this.headerName]);
    if (token === undefined) return undefined;
    const cookies = req.headers.cookie;
    if (hasCookie(cookies, this.cookieName)) return SessionErrors.ambiguousSession();
    const cookie = `${this.cookieName}=${encodeURIComponent(`s:${token}`)}`;
    req.headers.cookie = cookies ? `${cookies}; ${cookie}` : cookie;
    markHeaderSession(req, res, this.cookieName);
    return undefined;
  }
}
