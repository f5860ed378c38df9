import type { IncomingMessage } from 'node:http';
import { markRouted } from './node-request';

interface FastifyRequestShape {
  raw: IncomingMessage & { session?: unknown; sessionID?: string };
  is404?: boolean;
}

/** The part of a Fastify instance the library uses (no import of fastify itself). */
interface FastifyInstanceShape {
  hasRequestDecorator(name: string): boolean;
  decorateRequest(name: string, value: unknown): unknown;
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestShape, reply: unknown, done: () => void) => void,
  ): unknown;
}

/** @internal whether Nest runs on @nestjs/platform-fastify. */
export function isFastifyAdapter(adapter: { getType?: () => string } | undefined): boolean {
  return adapter?.getType?.() === 'fastify';
}

/**
 * @internal On Fastify, express-session runs on the Node.js request (Nest middleware goes through
 * @fastify/middie, on `request.raw`). This makes the session reachable where a Nest app looks for
 * it, on Fastify's request: `request.session` and `request.sessionID` read (and write) the Node.js
 * request's, so `@Req()`, guards and interceptors see the same session as the library. It also
 * marks the requests that matched a route, which page history records (Express' `req.route`).
 * `onUntrustedProxy` is called once, at the first request, when Fastify trusts no proxy.
 */
export function prepareFastifyRequests(
  instance: FastifyInstanceShape,
  onUntrustedProxy?: () => void,
): void {
  for (const name of ['session', 'sessionID'] as const) {
    if (instance.hasRequestDecorator(name)) continue;
    instance.decorateRequest(name, {
      getter(this: FastifyRequestShape) {
        return this.raw[name];
      },
      setter(this: FastifyRequestShape, value: unknown) {
        (this.raw as unknown as Record<string, unknown>)[name] = value;
      },
    });
  }
  let checkProxyTrust = onUntrustedProxy !== undefined;
  instance.addHook('onRequest', (request, _reply, done) => {
    if (checkProxyTrust) {
      checkProxyTrust = false;
      if (!trustsAnyProxy(request)) onUntrustedProxy?.();
    }
    if (request.is404 !== true) markRouted(request.raw);
    (request.raw as RawWithFastify)[FASTIFY_REQUEST] = request;
    done();
  });
}

const FASTIFY_REQUEST = Symbol('nest-session-kit.fastifyRequest');

type RawWithFastify = IncomingMessage & { [FASTIFY_REQUEST]?: FastifyRequestShape };

/**
 * @internal Whether Fastify's `trustProxy` trusts the peer of this Node.js request, so that a
 * header only a proxy sets may be read: Fastify's own `ips` accessor, asked about a forwarded
 * address from this socket, lists it only past a trusted peer. Undefined off Fastify.
 */
export function fastifyTrustsPeer(raw: IncomingMessage): boolean | undefined {
  const request = (raw as RawWithFastify)[FASTIFY_REQUEST];
  if (!request) return undefined;
  const ips = accessorOf(request, 'ips');
  if (!ips) return false;
  const probe = {
    raw: { headers: { 'x-forwarded-for': '192.0.2.1' }, socket: raw.socket },
    headers: { 'x-forwarded-for': '192.0.2.1' },
  };
  const listed = ips.call(probe) as unknown;
  return Array.isArray(listed) && listed.length > 1;
}

/** Fastify defines `request.ips` only when it was created with a `trustProxy`. */
function trustsAnyProxy(request: FastifyRequestShape): boolean {
  return accessorOf(request, 'ips') !== undefined;
}

function accessorOf(target: object, name: string): (() => unknown) | undefined {
  for (let proto = Object.getPrototypeOf(target); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor.get;
  }
  return undefined;
}
