import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthGuard } from './auth.guard';
import { Public } from '../decorators/access.decorators';
import { PublicMetadata } from '../session.metadata';
import { markSessionEnded } from '../security/session-end';
import { SessionErrors, SessionHttpException } from '../errors';
import type { SessionPrincipal } from '../session.types';
import { contextOf, requestWith, thrownBy } from './guard-context.spec-support';

const signedIn = (user: Partial<SessionPrincipal> = {}) =>
  requestWith({ user: { id: 'u1', email: 'u@example.com', roles: ['user'], ...user } });

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
