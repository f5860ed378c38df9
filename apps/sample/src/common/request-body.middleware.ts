import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';

export const BODY_LIMIT = '100kb';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function sendError(res: Response, statusCode: number, code: string, message: string, extra = {}) {
  res.status(statusCode).json({ statusCode, code, message, ...extra });
}

/** State-changing requests that carry a body must carry JSON: anything else gets 415. */
export function requireJsonBodies(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if (STATE_CHANGING.has(req.method) && hasBody && !req.is('application/json')) {
    return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
  }
  next();
}

/** express.json with the body limit; its failures answer in the API's error shape. */
export function parseJsonBodies(): RequestHandler[] {
  const parse = json({ limit: BODY_LIMIT, strict: true });
  const onParseError = (
    err: { type?: string; status?: number },
    _req: Request,
    res: Response,
    next: NextFunction,
  ) => {
    if (err.type === 'entity.too.large') {
      return sendError(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `Request bodies are limited to ${BODY_LIMIT}`,
      );
    }
    if (err.type === 'entity.parse.failed')
      return sendError(res, 400, 'INVALID_JSON', 'Malformed JSON body');
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
    }
    if (err.status && err.status < 500)
      return sendError(res, err.status, 'BAD_REQUEST', 'Bad request body');
    next(err);
  };
  return [parse, onParseError as unknown as RequestHandler, refuseForbiddenKeys];
}

const MAX_DEPTH = 32;
const TOO_DEEP = Symbol('too deep');

/**
 * `__proto__`, `constructor` and `prototype` keys anywhere in a body are refused, and so are
 * bodies nested deeper than MAX_DEPTH (validation would run out of stack on them).
 */
function refuseForbiddenKeys(req: Request, res: Response, next: NextFunction): void {
  const found = findForbiddenKey(req.body);
  if (found === undefined) return next();
  if (found === TOO_DEEP) {
    return sendError(res, 400, 'BODY_TOO_DEEP', `Request bodies may nest ${MAX_DEPTH} levels deep`);
  }
  sendError(res, 400, 'VALIDATION_FAILED', 'Validation failed', {
    errors: { [found]: [`property ${found} is not allowed`] },
  });
}

function findForbiddenKey(value: unknown, depth = 0): string | typeof TOO_DEEP | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
