import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpException, type INestApplication } from '@nestjs/common';
import { errorBodyOf } from 'nest-session-kit';

/** The Nest platform the sample runs on: HTTP_ADAPTER, `express` unless `fastify`. */
export type HttpPlatform = 'express' | 'fastify';

/** HTTP_ADAPTER, read as main.ts and the tests' createTestApp read it. */
export function httpPlatformOf(value: string | undefined): HttpPlatform {
  const name = (value ?? '').trim().toLowerCase();
  if (name === '' || name === 'express') return 'express';
  if (name === 'fastify') return 'fastify';
  throw new Error(`HTTP_ADAPTER must be express or fastify, got "${value}"`);
}

/** The platform an app was created on. */
export function platformOf(app: INestApplication): HttpPlatform {
  return app.getHttpAdapter().getType() === 'fastify' ? 'fastify' : 'express';
}

type NodeRequest = IncomingMessage & {
  originalUrl?: string;
  path?: string;
  is?: (type: string) => string | false | null;
  body?: unknown;
};
type NodeResponse = ServerResponse & {
  status?: (code: number) => NodeResponse;
  json?: (body: unknown) => void;
};

/**
 * On Fastify, Nest middleware gets Node.js' request and response (through @fastify/middie): this
 * gives them the few Express helpers the sample's own middleware uses (`req.path`, `req.is`,
 * `res.status().json()`), so that body handling and security headers are the same code on both.
 */
export function expressHelpersForMiddleware() {
  return (req: NodeRequest, res: NodeResponse, next: () => void) => {
    const url = req.originalUrl ?? req.url ?? '/';
    const query = url.indexOf('?');
    req.path ??= query === -1 ? url : url.slice(0, query);
    req.is ??= (type: string) => (mediaTypeOf(req) === type ? type : false);
    res.status ??= (code: number) => {
      res.statusCode = code;
      return res;
    };
    res.json ??= (body: unknown) => {
      const text = JSON.stringify(body);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
    };
    next();
  };
}

interface FastifyParsers {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    parser: (
      request: { raw: NodeRequest },
      payload: unknown,
      done: (err: null, body?: unknown) => void,
    ) => void,
  ): void;
}

/**
 * On Fastify, the body was read by the sample's body middleware (the same limits, media types
 * and errors as on Express), which runs before Fastify's own parsing: Fastify takes that body.
 */
export function useMiddlewareBodies(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as FastifyParsers;
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (request, _payload, done) => done(null, request.raw.body));
}

/** The media type of the request's body, without parameters: `application/json`. */
function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

type NodeMiddleware = (req: NodeRequest, res: NodeResponse, next: () => void) => void;

const ERROR_HEADERS = Symbol('sample.frameworkErrorHeaders');

interface FrameworkErrorReply {
  raw: ServerResponse;
  code(status: number): FrameworkErrorReply;
  type(contentType: string): FrameworkErrorReply;
  send(payload: string): unknown;
}

/** The middleware that gives framework errors (below) the app's security headers. */
export function useHeadersOnFrameworkErrors(app: INestApplication, headers: NodeMiddleware): void {
  (app.getHttpAdapter().getInstance() as { [ERROR_HEADERS]?: NodeMiddleware })[ERROR_HEADERS] =
    headers;
}

/**
 * On Fastify, what its router refuses before any hook or Nest handler runs (a URL that does not
 * decode, an over-long parameter) leaves in the sample's error shape and headers, as on
 * Express: an undecodable path is a 404 there, like any path without a route.
 */
export function answerFrameworkError(
  instance: object,
  error: { code?: string; statusCode?: number },
  request: { raw: NodeRequest; method: string },
  reply: FrameworkErrorReply,
): void {
  const notFound = error.code === 'FST_ERR_BAD_URL';
  const status = notFound
    ? 404
    : error.statusCode && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  const body = notFound
    ? { statusCode: 404, code: 'NOT_FOUND', message: `Cannot ${request.method} ${request.raw.url}` }
    : errorBodyOf(new HttpException(STATUS_CODES[status] ?? 'Bad Request', status));
  const send = () =>
    void reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  const headers = (instance as { [ERROR_HEADERS]?: NodeMiddleware })[ERROR_HEADERS];
  if (!headers) return send();
  const raw = request.raw;
  expressHelpersForMiddleware()(raw, reply.raw, () => headers(raw, reply.raw, send));
}
