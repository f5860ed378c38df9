import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { Session, SessionId, SessionUser } from './session.decorator';

type Factory = (data: unknown, ctx: ExecutionContext) => unknown;
interface RouteArg {
  index: number;
  data: unknown;
  factory: Factory;
}

/**
 * Applies a param decorator to a dummy handler and returns what Nest would call for it:
 * the factory bound to the data given to the decorator.
 */
function resolverOf(decorator: ParameterDecorator): (req: Request) => unknown {
  class Dummy {
    handler(_value: unknown) {}
  }
  decorator(Dummy.prototype, 'handler', 0);
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Dummy, 'handler') as Record<
    string,
    RouteArg
  >;
  const [arg] = Object.values(args);
  expect(arg.index).toBe(0);
  return (req) =>
    arg.factory(
      arg.data,
      new ExecutionContextHost([req, {}, () => undefined], Dummy, Dummy.prototype.handler),
    );
}

function requestWith(session?: Record<string, unknown>, sessionID = 'sid-123'): Request {
  return { sessionID, ...(session ? { session } : {}) } as unknown as Request;
}

const user = { id: 'u1', email: 'u@example.com', roles: ['user'] };

describe('@Session()', () => {
  it('resolves the whole session', () => {
    const session = { user, cart: { p1: 2 } };
    expect(resolverOf(Session())(requestWith(session))).toBe(session);
  });

  it('resolves one key with @Session(key)', () => {
    const cart = { p1: 2 };
    expect(resolverOf(Session('cart'))(requestWith({ user, cart }))).toBe(cart);
  });

  it('resolves a missing key as undefined', () => {
    expect(resolverOf(Session('cart'))(requestWith({ user }))).toBeUndefined();
  });

  it('resolves undefined when the request has no session', () => {
    expect(resolverOf(Session())(requestWith())).toBeUndefined();
    expect(resolverOf(Session('cart'))(requestWith())).toBeUndefined();
  });

  it('is not the untyped Session of @nestjs/common', async () => {
    const common = await import('@nestjs/common');
    expect(Session).not.toBe(common.Session);
  });
});

describe('@SessionUser()', () => {
  const resolve = resolverOf(SessionUser());

  it('resolves the principal', () => {
    expect(resolve(requestWith({ user }))).toBe(user);
  });

  it('resolves undefined when anonymous or without a session', () => {
    expect(resolve(requestWith({}))).toBeUndefined();
    expect(resolve(requestWith())).toBeUndefined();
  });

  it('resolves undefined for a malformed principal', () => {
    expect(resolve(requestWith({ user: { id: 'u1' } }))).toBeUndefined();
    expect(resolve(requestWith({ user: { id: 7, roles: [] } }))).toBeUndefined();
    expect(resolve(requestWith({ user: { id: 'u1', roles: 'admin' } }))).toBeUndefined();
  });
});

describe('@SessionId()', () => {
  const resolve = resolverOf(SessionId());

  it('resolves the session id', () => {
    expect(resolve(requestWith({}, 'abc'))).toBe('abc');
  });

  it('resolves undefined when the request has no session', () => {
    expect(resolve(requestWith(undefined, 'abc'))).toBeUndefined();
  });
});
