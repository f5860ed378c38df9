import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RolesGuard } from './roles.guard';
import { Roles } from '../decorators/access.decorators';
import { applySessionDefaults, type SessionModuleOptions } from '../session.options';
import { markSessionEnded } from '../security/session-end';
import { SessionErrors, SessionHttpException } from '../errors';
import type { SessionPrincipal } from '../session.types';
import { contextOf, requestWith, thrownBy, type Handler } from './guard-context.spec-support';

const withRoles = (...roles: string[]) =>
  requestWith({ user: { id: 'u1', roles } satisfies SessionPrincipal });

function guardWith(options: Partial<SessionModuleOptions> = {}): RolesGuard {
  return new RolesGuard(new Reflector(), applySessionDefaults({ secret: 's', ...options }));
}

class OpenController {
  none() {}
  @Roles('moderator') moderator() {}
  @Roles('admin') admin() {}
  @Roles('superadmin') superadmin() {}
  @Roles('user') user() {}
  @Roles('billing') billing() {}
  @Roles('admin', 'billing') adminOrBilling() {}
  @Roles() empty() {}
}

@Roles('admin')
class AdminController {
  inherited() {}
  @Roles('user') relaxed() {}
}

describe('RolesGuard', () => {
  const guard = guardWith();
  const allowed = (req: Request, handler: Handler, cls: Type<unknown> = OpenController) =>
    guard.canActivate(contextOf(req, handler, cls));
  const P = OpenController.prototype;

  describe('metadata', () => {
    it('none: lets everyone through, even anonymous', () => {
      expect(allowed(requestWith(), P.none)).toBe(true);
    });

    it('an empty @Roles() requires nothing', () => {
      expect(allowed(requestWith(), P.empty)).toBe(true);
    });

    it('on the handler only', () => {
      expect(allowed(withRoles('admin'), P.admin)).toBe(true);
      expect(() => allowed(withRoles('user'), P.admin)).toThrow(SessionHttpException);
    });

    it('on the class only', () => {
      const handler = AdminController.prototype.inherited;
      expect(allowed(withRoles('admin'), handler, AdminController)).toBe(true);
      expect(() => allowed(withRoles('moderator'), handler, AdminController)).toThrow(
        SessionHttpException,
      );
    });

    it('on both: the handler wins', () => {
      const handler = AdminController.prototype.relaxed;
      expect(allowed(withRoles('user'), handler, AdminController)).toBe(true);
    });
  });

  describe('hierarchy user < moderator < admin < superadmin', () => {
    it.each([
      ['user', 'user', true],
      ['moderator', 'user', true],
      ['superadmin', 'user', true],
      ['user', 'moderator', false],
      ['moderator', 'moderator', true],
      ['admin', 'moderator', true],
      ['moderator', 'admin', false],
      ['admin', 'admin', true],
      ['superadmin', 'admin', true],
      ['admin', 'superadmin', false],
      ['superadmin', 'superadmin', true],
    ] as const)('%s on a @Roles(%s) route: %s', (held, required, expected) => {
      const run = () => allowed(withRoles(held), P[required]);
      if (expected) expect(run()).toBe(true);
      else expect(run).toThrow(SessionHttpException);
    });

    it('matches a role outside the hierarchy only exactly', () => {
      expect(allowed(withRoles('billing'), P.billing)).toBe(true);
      expect(() => allowed(withRoles('superadmin'), P.billing)).toThrow(SessionHttpException);
      expect(() => allowed(withRoles('billing'), P.user)).toThrow(SessionHttpException);
    });

    it('considers every role the principal holds', () => {
      expect(allowed(withRoles('billing', 'moderator'), P.moderator)).toBe(true);
      expect(allowed(withRoles('user', 'billing'), P.billing)).toBe(true);
      expect(() => allowed(withRoles('user', 'billing'), P.moderator)).toThrow(
        SessionHttpException,
      );
    });

    it('requires any one of several roles', () => {
      expect(allowed(withRoles('billing'), P.adminOrBilling)).toBe(true);
      expect(allowed(withRoles('superadmin'), P.adminOrBilling)).toBe(true);
      expect(() => allowed(withRoles('moderator'), P.adminOrBilling)).toThrow(SessionHttpException);
    });

    it('refuses a principal with no roles', () => {
      expect(() => allowed(withRoles(), P.user)).toThrow(SessionHttpException);
    });
  });

  it('answers 401 AUTH_REQUIRED when anonymous', () => {
    for (const req of [requestWith(), requestWith({})]) {
      const err = thrownBy(() => allowed(req, P.admin));
      expect(err.getStatus()).toBe(401);
      expect(err.code).toBe('AUTH_REQUIRED');
    }
  });

  it('answers the recorded end reason when the session just ended', () => {
    const req = requestWith({});
    markSessionEnded(req, SessionErrors.sessionExpired());
    expect(thrownBy(() => allowed(req, P.admin)).code).toBe('SESSION_EXPIRED');
  });

  it('answers 403 INSUFFICIENT_PERMISSIONS with requiredRoles and userRoles', () => {
    const err = thrownBy(() => allowed(withRoles('user', 'moderator'), P.adminOrBilling));
    expect(err.getStatus()).toBe(403);
    expect(err.getResponse()).toEqual({
      statusCode: 403,
      code: 'INSUFFICIENT_PERMISSIONS',
      message: expect.any(String),
      requiredRoles: ['admin', 'billing'],
      userRoles: ['user', 'moderator'],
    });
  });

  it('reports the roles of the class when the class decides', () => {
    const err = thrownBy(() =>
      allowed(withRoles('user'), AdminController.prototype.inherited, AdminController),
    );
    expect(err.getResponse()).toMatchObject({ requiredRoles: ['admin'], userRoles: ['user'] });
  });

  it('follows a custom roleHierarchy option', () => {
    const custom = guardWith({ roleHierarchy: ['user', 'editor', 'moderator'] });
    const run = (req: Request, handler: Handler) =>
      custom.canActivate(contextOf(req, handler, OpenController));
    expect(run(withRoles('editor'), P.user)).toBe(true);
    expect(run(withRoles('moderator'), P.user)).toBe(true);
    expect(() => run(withRoles('editor'), P.moderator)).toThrow(SessionHttpException);
    // admin is outside this hierarchy: it matches only itself.
    expect(() => run(withRoles('admin'), P.moderator)).toThrow(SessionHttpException);
    expect(() => run(withRoles('superadmin'), P.admin)).toThrow(SessionHttpException);
  });

  it('lets a subclass replace isAllowed', () => {
    class AllowAll extends RolesGuard {
      protected override isAllowed(): boolean {
        return true;
      }
    }
    const allowAll = new AllowAll(new Reflector(), applySessionDefaults({ secret: 's' }));
    expect(allowAll.canActivate(contextOf(withRoles(), P.superadmin, OpenController))).toBe(true);
  });
});
