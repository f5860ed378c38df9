import 'reflect-metadata';
import type { ExecutionContext, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { Auth, OwnedBy, Public, RequireFreshLogin, Roles, SkipCsrf } from './access.decorators';
import {
  FreshLoginMetadata,
  OwnedByMetadata,
  PublicMetadata,
  RolesMetadata,
  SkipCsrfMetadata,
} from '../session.metadata';
import { AuthGuard } from '../guards/auth.guard';
import { RolesGuard } from '../guards/roles.guard';
import type { OwnershipResolver } from '../guards/ownership-resolver';
import { applySessionDefaults } from '../session.options';
import { SessionHttpException } from '../errors';

type Handler = (...args: never[]) => unknown;

function contextOf(request: Request, handler: Handler, cls: Type<unknown>): ExecutionContext {
  return new ExecutionContextHost([request, {}, () => undefined], cls, handler);
}

class PostOwner implements OwnershipResolver {
  ownerOf(): string | null {
    return null;
  }
}

const reflector = new Reflector();

describe('metadata decorators', () => {
  class Controller {
    @Roles('admin', 'billing') roles() {}
    @Roles() noRoles() {}
    @Public() open() {}
    @SkipCsrf() webhook() {}
    @OwnedBy(PostOwner) owned() {}
    @OwnedBy(PostOwner, { bypassRoles: ['moderator'] }) moderated() {}
    @RequireFreshLogin() fresh() {}
    @RequireFreshLogin(1_000) veryFresh() {}
    plain() {}
  }
  const C = Controller.prototype;

  it('@Roles(...roles) records the roles', () => {
    expect(reflector.get(RolesMetadata, C.roles)).toEqual(['admin', 'billing']);
    expect(reflector.get(RolesMetadata, C.noRoles)).toEqual([]);
  });

  it('@Public() and @SkipCsrf() record true', () => {
    expect(reflector.get(PublicMetadata, C.open)).toBe(true);
    expect(reflector.get(SkipCsrfMetadata, C.webhook)).toBe(true);
  });

  it('@OwnedBy(resolver, options?) records the resolver and the bypass roles', () => {
    expect(reflector.get(OwnedByMetadata, C.owned)).toEqual({
      resolver: PostOwner,
      bypassRoles: undefined,
    });
    expect(reflector.get(OwnedByMetadata, C.moderated)).toEqual({
      resolver: PostOwner,
      bypassRoles: ['moderator'],
    });
  });

  it('@RequireFreshLogin(ms?) records the max age, undefined for the default', () => {
    expect(reflector.get(FreshLoginMetadata, C.fresh)).toEqual({ maxAge: undefined });
    expect(reflector.get(FreshLoginMetadata, C.veryFresh)).toEqual({ maxAge: 1_000 });
  });

  it('leaves an undecorated handler without metadata', () => {
    for (const decorator of [
      RolesMetadata,
      PublicMetadata,
      SkipCsrfMetadata,
      OwnedByMetadata,
      FreshLoginMetadata,
    ]) {
      expect(reflector.get(decorator, C.plain)).toBeUndefined();
    }
  });

  it('work on a class too', () => {
    @Roles('moderator')
    @Public()
    @SkipCsrf()
    @OwnedBy(PostOwner, { bypassRoles: [] })
    @RequireFreshLogin(5)
    class Decorated {}
    expect(reflector.get(RolesMetadata, Decorated)).toEqual(['moderator']);
    expect(reflector.get(PublicMetadata, Decorated)).toBe(true);
    expect(reflector.get(SkipCsrfMetadata, Decorated)).toBe(true);
    expect(reflector.get(OwnedByMetadata, Decorated)).toEqual({
      resolver: PostOwner,
      bypassRoles: [],
    });
    expect(reflector.get(FreshLoginMetadata, Decorated)).toEqual({ maxAge: 5 });
  });
});

describe('@Auth(...roles)', () => {
  class Controller {
    @Auth() signedIn() {}
    @Auth('admin', 'billing') admins() {}
  }

  @Auth('moderator')
  class ModerationController {
    queue() {}
  }

  const guardsOf = (target: object): unknown[] =>
    (Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? [];

  it('without roles applies AuthGuard only and sets no roles', () => {
    expect(guardsOf(Controller.prototype.signedIn)).toEqual([AuthGuard]);
    expect(reflector.get(RolesMetadata, Controller.prototype.signedIn)).toBeUndefined();
  });

  it('with roles applies AuthGuard then RolesGuard and records the roles', () => {
    expect(guardsOf(Controller.prototype.admins)).toEqual([AuthGuard, RolesGuard]);
    expect(reflector.get(RolesMetadata, Controller.prototype.admins)).toEqual(['admin', 'billing']);
  });

  it('works on a class', () => {
    expect(guardsOf(ModerationController)).toEqual([AuthGuard, RolesGuard]);
    expect(reflector.get(RolesMetadata, ModerationController)).toEqual(['moderator']);
  });

  it('the guards it applies enforce it: 401 anonymous, 403 too low, pass high enough', () => {
    const options = applySessionDefaults({ secret: 's' });
    const guards = [new AuthGuard(reflector), new RolesGuard(reflector, options)];
    const handler = ModerationController.prototype.queue;
    const outcome = (session: Record<string, unknown>) => {
      const ctx = contextOf({ session } as unknown as Request, handler, ModerationController);
      try {
        return guards.every((guard) => guard.canActivate(ctx));
      } catch (err) {
        return (err as SessionHttpException).code;
      }
    };
    expect(outcome({})).toBe('AUTH_REQUIRED');
    expect(outcome({ user: { id: 'u', roles: ['user'] } })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(outcome({ user: { id: 'm', roles: ['moderator'] } })).toBe(true);
    expect(outcome({ user: { id: 'a', roles: ['admin'] } })).toBe(true);
  });
});
