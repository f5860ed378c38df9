import type { ExecutionContext, Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { SessionHttpException } from '../errors';

/** Test support for the guard specs (excluded from builds). */
export type Handler = (...args: never[]) => unknown;

/** An HTTP ExecutionContext for `handler` of `cls`, carrying `request`. */
export function contextOf(
  request: Request,
  handler: Handler,
  cls: Type<unknown>,
): ExecutionContext {
  return new ExecutionContextHost([request, {}, () => undefined], cls, handler);
}

/** A GET request, with a session when one is given. */
export function requestWith(session?: Record<string, unknown>): Request {
  const headers: Record<string, string> = {};
  return {
    method: 'GET',
    headers,
    get: (name: string) => headers[name.toLowerCase()],
    ...(session ? { session } : {}),
  } as unknown as Request;
}

/** The SessionHttpException that `run` throws; fails the test when it throws nothing. */
export function thrownBy(run: () => unknown): SessionHttpException {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SessionHttpException);
    return err as SessionHttpException;
  }
  throw new Error('expected the guard to throw');
}
