import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';

export const BODY_LIMIT = '100kb';
/** HTML forms post a few short fields. */
const FORM_LIMIT = '16kb';
const FORM_MAX_FIELDS = 20;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function sendError(res: Response, statusCode: number, code: string, message: string, extra = {}) {
  res.status(statusCode).json({ statusCode, code, message, ...extra });
}

/** Whether a request is an HTML form post to a page route (urlencoded, not JSON). */
export type FormRouteMatcher = (method: string, path: string) => boolean;

/**
 * The app's body handling, in one middleware: requests without a body pass straight through;
 * a state-changing request's body must be JSON (415 otherwise), at most BODY_LIMIT (413), well
 * formed (400) and free of `__proto__`-like keys and deep nesting (400). Form posts to the page
 * routes that `isFormRoute` names are urlencoded instead (415 for anything else).
 */
export function jsonBodies(isFormRoute: FormRouteMatcher = () => false): RequestHandler {
  const parse = json({ limit: BODY_LIMIT, strict: true });
  const parseForm = urlencoded({
    extended: false,
    limit: FORM_LIMIT,
    parameterLimit: FORM_MAX_FIELDS,
  });
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    if (isFormRoute(req.method, req.path)) {
      if (!req.is('application/x-www-form-urlencoded')) {
        return sendError(
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'Form posts must be application/x-www-form-urlencoded',
        );
      }
      return parseForm(req, res, (err?: unknown) => {
        if (err) return answerParseError(err as ParseError, res, next);
        refuseForbiddenKeys(req, res, next);
      });
    }
    if (STATE_CHANGING.has(req.method) && !req.is('application/json')) {
      return sendError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Request bodies must be application/json',
      );
    }
    parse(req, res, (err?: unknown) => {
      if (err) return answerParseError(err as ParseError, res, next);
      refuseForbiddenKeys(req, res, next);
    });
  };
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

interface ParseError {
  type?: string;
  status?: number;
}

function answerParseError(err: ParseError, res: Response, next: NextFunction): void {
  if (err.type === 'entity.too.large' || err.type === 'parameters.too.many') {
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${BODY_LIMIT}`);
  }
  if (err.type === 'entity.parse.failed') {
    return sendError(res, 400, 'INVALID_JSON', 'Malformed JSON body');
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  }
  if (err.status && err.status < 500) {
    return sendError(res, err.status, 'BAD_REQUEST', 'Bad request body');
  }
  next(err);
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
