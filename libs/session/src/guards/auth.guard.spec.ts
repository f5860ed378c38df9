import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { AuthGuard } from './auth.guard';
import { Public } from '../decorators/access.decorators';
import { PublicMetadata } from '../session.metadata';
import { markSessionEnded } from '../security/session-end';
import { SessionErrors, SessionHttpException } from '../errors';
import type { SessionPrincipal } from '../session.types';

type Handler = (...args: never[]) => unknown;

/** An HTTP ExecutionContext for `handler` of `cls`, carrying `request`. */
function contextOf(request: Request, handler: Handler, cls: Type<unknown>): ExecutionContext {
  return new ExecutionContextHost([request, {}, () => undefined], cls, handler);
}

function requestWith(session?: Record<string, unknown>): Request {
  const headers: Record<string, string> = {};
  return {
    method: 'GET',
    headers,
    get: (name: string) => headers[name.toLowerCase()],
    ...(session ? { session } : {}),
  } as unknown as Request;
}

const signedIn = (user: Partial<SessionPrincipal> = {}) =>
  requestWith({ user: { id: 'u1', email: 'u@example.com', roles: ['user'], ...user } });

function thrownBy(run: () => unknown): SessionHttpException {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SessionHttpException);
    return err as SessionHttpException;
  }
  throw new Error('expected the guard to throw');
}

class PlainController {
  route() {}
  @Public() openRoute() {}
}

@Public()
class PublicController {
  route() {}
  @PublicMetadata(false) closedRoute() {}
}

describe('AuthGuard', () => {
  const guard = new AuthGuard(new Reflector());

  it('refuses an anonymous request with 401 AUTH_REQUIRED', () => {
    const err = thrownBy(() =>
      guard.canActivate(
        contextOf(requestWith({}), PlainController.prototype.route, PlainController),
      ),
    );
    expect(err.getStatus()).toBe(401);
    expect(err.getResponse()).toEqual({
      statusCode: 401,
      code: 'AUTH_REQUIRED',
      message: expect.any(String),
    });
  });

  it('refuses a request without any session with 401', () => {
    const err = thrownBy(() =>
      guard.canActivate(contextOf(requestWith(), PlainController.prototype.route, PlainController)),
    );
    expect(err.code).toBe('AUTH_REQUIRED');
  });

  it('refuses a malformed principal (no roles array)', () => {
    const req = requestWith({ user: { id: 'u1' } });
    expect(() =>
      guard.canActivate(contextOf(req, PlainController.prototype.route, PlainController)),
    ).toThrow(SessionHttpException);
  });

  it('lets a signed-in principal through', () => {
    expect(
      guard.canActivate(contextOf(signedIn(), PlainController.prototype.route, PlainController)),
    ).toBe(true);
  });

  it('answers the recorded end reason instead of AUTH_REQUIRED', () => {
    const req = requestWith({});
    markSessionEnded(req, SessionErrors.sessionTimeout());
    const err = thrownBy(() =>
      guard.canActivate(contextOf(req, PlainController.prototype.route, PlainController)),
    );
    expect(err.getStatus()).toBe(401);
    expect(err.code).toBe('SESSION_TIMEOUT');
  });

  describe('@Public()', () => {
    it('on the handler only: lets an anonymous request through', () => {
      expect(
        guard.canActivate(
          contextOf(requestWith({}), PlainController.prototype.openRoute, PlainController),
        ),
      ).toBe(true);
    });

    it('on the class only: lets an anonymous request through', () => {
      expect(
        guard.canActivate(
          contextOf(requestWith({}), PublicController.prototype.route, PublicController),
        ),
      ).toBe(true);
    });

    it('on both: the handler wins (getAllAndOverride)', () => {
      const err = thrownBy(() =>
        guard.canActivate(
          contextOf(requestWith({}), PublicController.prototype.closedRoute, PublicController),
        ),
      );
      expect(err.code).toBe('AUTH_REQUIRED');
    });

    it('on neither: requires a principal', () => {
      expect(() =>
        guard.canActivate(
          contextOf(requestWith({}), PlainController.prototype.route, PlainController),
        ),
      ).toThrow(SessionHttpException);
    });
  });

  describe('subclass hooks', () => {
    it('getPrincipal can read the principal from elsewhere', () => {
      class PassportAuthGuard extends AuthGuard {
        protected override getPrincipal(request: Request): SessionPrincipal | undefined {
          return (request as Request & { user?: SessionPrincipal }).user;
        }
      }
      const req = Object.assign(requestWith(), { user: { id: 'p1', roles: [] } });
      const ctx = contextOf(req, PlainController.prototype.route, PlainController);
      expect(new PassportAuthGuard(new Reflector()).canActivate(ctx)).toBe(true);
    });

    it('isPublic can be replaced', () => {
      class EverythingPublic extends AuthGuard {
        protected override isPublic(): boolean {
          return true;
        }
      }
      const ctx = contextOf(requestWith(), PlainController.prototype.route, PlainController);
      expect(new EverythingPublic(new Reflector()).canActivate(ctx)).toBe(true);
    });

    it('unauthenticated can choose the error', () => {
      const custom = new Error('sign in first');
      class CustomError extends AuthGuard {
        protected override unauthenticated(): Error {
          return custom;
        }
      }
      const ctx = contextOf(requestWith({}), PlainController.prototype.route, PlainController);
      expect(() => new CustomError(new Reflector()).canActivate(ctx)).toThrow(custom);
    });
  });
});
