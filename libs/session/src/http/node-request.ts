import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';

/**
 * A request as an app hands it to the library: Express' request, or Fastify's (`FastifyRequest`,
 * whose Node.js request is `.raw`). The session lives on the Node.js request on both platforms:
 * express-session runs on it (on Fastify, as Nest middleware through @fastify/middie).
 */
export type SessionRequest = Request | { raw: IncomingMessage };

/** A response as an app hands it to the library: Express' response or Fastify's reply. */
export type SessionResponse = Response | { raw: ServerResponse };

/**
 * @internal The Node.js request behind a request of either platform, where express-session put
 * the session and where the library keeps its per-request state. Express' request is one already.
 */
export function nodeRequestOf(req: SessionRequest): Request;
export function nodeRequestOf(req: SessionRequest | undefined): Request | undefined;
export function nodeRequestOf(req: SessionRequest | undefined): Request | undefined {
  const raw = (req as { raw?: unknown } | undefined)?.raw;
  return (raw !== null && typeof raw === 'object' ? raw : req) as Request | undefined;
}

/** @internal The Node.js response behind Express' response or Fastify's reply. */
export function nodeResponseOf(res: SessionResponse): Response;
export function nodeResponseOf(res: SessionResponse | undefined): Response | undefined;
export function nodeResponseOf(res: SessionResponse | undefined): Response | undefined {
  const raw = (res as { raw?: unknown } | undefined)?.raw;
  return (raw !== null && typeof raw === 'object' ? raw : res) as Response | undefined;
}

/** @internal A request header as Express' `req.get` reads it, on a request of either platform. */
export function headerOf(req: SessionRequest, name: string): string | undefined {
  const headers = nodeRequestOf(req).headers ?? {};
  const key = name.toLowerCase();
  const value = headers[key === 'referrer' ? 'referer' : key];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** @internal The response of the request (Express sets `req.res`; the session middleware does on Fastify). */
export function responseOfRequest(req: SessionRequest): Response | undefined {
  return nodeRequestOf(req).res;
}

/**
 * @internal What Express gives a request and Fastify's Node.js request lacks, for the session
 * middleware to run on it: `req.res`, and `req.secure` from the protocol Fastify derived (with
 * its `trustProxy`), which express-session reads to set a Secure cookie. Nothing on Express.
 */
export function completeNodeRequest(req: Request, res: Response): void {
  if (req.res !== undefined) return;
  const target = req as { res?: Response; secure?: boolean; protocol?: string };
  target.res = res;
  if (target.secure === undefined) target.secure = target.protocol === 'https';
}

/** @internal the attributes a cookie is cleared with: those it was set with. */
export interface ClearCookieOptions {
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  partitioned?: boolean;
}

/**
 * @internal Clears a cookie on the response: Express' `res.clearCookie` where there is one, else
 * (Fastify's Node.js response) the same `Set-Cookie` line, added to those already set.
 */
export function clearCookie(res: Response, name: string, options: ClearCookieOptions): void {
  if (typeof res.clearCookie === 'function') {
    res.clearCookie(name, options);
    return;
  }
  let line = `${name}=; Path=${options.path ?? '/'}`;
  if (options.domain) line += `; Domain=${options.domain}`;
  line += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  if (options.httpOnly) line += '; HttpOnly';
  if (options.secure) line += '; Secure';
  if (options.partitioned) line += '; Partitioned';
  const sameSite = options.sameSite === true ? 'strict' : options.sameSite;
  if (sameSite) line += `; SameSite=${sameSite[0].toUpperCase()}${sameSite.slice(1)}`;
  const current = res.getHeader('set-cookie');
  const lines = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader('Set-Cookie', [...lines, line]);
}

const ROUTED = Symbol('nest-session-kit.routed');

/** @internal marks a Fastify request that matched a route (Express sets `req.route` itself). */
export function markRouted(req: IncomingMessage): void {
  (req as IncomingMessage & { [ROUTED]?: true })[ROUTED] = true;
}

/** @internal whether the request reached a route handler (not a 404). */
export function isRouted(req: SessionRequest): boolean {
  const node = nodeRequestOf(req) as Request & { [ROUTED]?: true };
  return node.route !== undefined || node[ROUTED] === true;
}
