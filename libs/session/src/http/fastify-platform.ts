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
 */
export function prepareFastifyRequests(instance: FastifyInstanceShape): void {
  if (!instance.hasRequestDecorator('session')) {
    instance.decorateRequest('session', {
      getter(this: FastifyRequestShape) {
        return this.raw.session;
      },
      setter(this: FastifyRequestShape, value: unknown) {
        this.raw.session = value;
      },
    });
  }
  if (!instance.hasRequestDecorator('sessionID')) {
    instance.decorateRequest('sessionID', {
      getter(this: FastifyRequestShape) {
        return this.raw.sessionID;
      },
      setter(this: FastifyRequestShape, value: string) {
        this.raw.sessionID = value;
      },
    });
  }
  instance.addHook('onRequest', (request, _reply, done) => {
    if (request.is404 !== true) markRouted(request.raw);
    done();
  });
}
