import 'reflect-metadata';
import { Injectable, type ExecutionContext, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Test } from '@nestjs/testing';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { SessionModule } from '../session.module';
import { attachContextResolver, SessionContextResolver } from './session-context.resolver';
import { AuthGuard } from '../guards/auth.guard';
import { RolesGuard } from '../guards/roles.guard';
import { OwnershipGuard } from '../guards/ownership.guard';
import { FreshLoginGuard } from '../guards/fresh-login.guard';
import { CsrfGuard } from '../guards/csrf.guard';
import { OwnedBy, RequireFreshLogin, Roles } from '../decorators/access.decorators';
import { SessionUser } from '../decorators/session.decorator';
import type { OwnershipResolver } from '../guards/ownership-resolver';
import type { SessionPrincipal } from '../session.types';
import { SessionHttpException } from '../errors';

function factoryOf(decorator: ParameterDecorator) {
  class Dummy {
    handler(_value: unknown) {}
  }
  decorator(Dummy.prototype, 'handler', 0);
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Dummy, 'handler') as Record<
    string,
    { data: unknown; factory: (data: unknown, ctx: ExecutionContext) => unknown }
  >;
  const [arg] = Object.values(args);
  return (ctx: ExecutionContext) => arg.factory(arg.data, ctx);
}

const admin: SessionPrincipal = { id: 'a1', roles: ['admin'] };

class PostOwner implements OwnershipResolver {
  ownerOf(_req: Request, context: ExecutionContext): string | null {
    const args = context.getArgByIndex(1) as { id?: string } | undefined;
    return args?.id === 'p1' ? 'owner-1' : null;
  }
}

class Target {
  @Roles('admin') @OwnedBy(PostOwner) @RequireFreshLogin() handler() {}
}

function gqlContext(req: unknown, args: unknown = {}, operation = 'query'): ExecutionContext {
  const ctx = new ExecutionContextHost(
    [{}, args, { req }, { operation: { operation } }],
    Target,
    Target.prototype.handler,
  );
  ctx.setType('graphql');
  return ctx;
}

function wsContext(request: unknown, data: unknown = {}): ExecutionContext {
  const ctx = new ExecutionContextHost(
    [{ request }, data, () => undefined],
    Target,
    Target.prototype.handler,
  );
  ctx.setType('ws');
  return ctx;
}

function codeOf(run: () => unknown): string | true {
  try {
    const result = run();
    return result === true ? true : String(result);
  } catch (err) {
    return (err as SessionHttpException).code ?? String(err);
  }
}

async function codeOfAsync(run: () => Promise<unknown>): Promise<string | true> {
  try {
    return (await run()) === true ? true : 'false';
  } catch (err) {
    return (err as SessionHttpException).code ?? String(err);
  }
}

async function guardsWith(contextResolver?: Type<SessionContextResolver>) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      SessionModule.forRoot({
        secret: 'unit-secret',
        ...(contextResolver ? { contextResolver } : {}),
      }),
    ],
    providers: [AuthGuard, RolesGuard, OwnershipGuard, FreshLoginGuard, CsrfGuard, PostOwner],
  }).compile();
  return {
    auth: moduleRef.get(AuthGuard),
    roles: moduleRef.get(RolesGuard),
    ownership: moduleRef.get(OwnershipGuard),
    fresh: moduleRef.get(FreshLoginGuard),
    csrf: moduleRef.get(CsrfGuard),
    resolver: moduleRef.get(SessionContextResolver),
  };
}

describe('SessionContextResolver: the one way in', () => {
  const freshSession = () => ({ user: admin, auth: { authenticatedAt: Date.now() } });

  it('finds the request of a GraphQL resolver and of a gateway message', () => {
    const resolver = new SessionContextResolver();
    const req = { session: {} };
    expect(resolver.getRequestResponse(gqlContext(req)).req).toBe(req);
    expect(resolver.getRequestResponse(wsContext(req)).req).toBe(req);
  });

  it('every guard works on a GraphQL resolver: pass with the session, AUTH_REQUIRED without', async () => {
    const g = await guardsWith();
    const signed = gqlContext({ session: freshSession() }, { id: 'p1' });
    expect(codeOf(() => g.auth.canActivate(signed))).toBe(true);
    expect(codeOf(() => g.roles.canActivate(signed))).toBe(true);
    expect(codeOf(() => g.fresh.canActivate(signed))).toBe(true);
    expect(await codeOfAsync(() => g.ownership.canActivate(signed))).toBe(true);
    const anonymous = gqlContext({ session: {} }, { id: 'p1' });
    expect(codeOf(() => g.auth.canActivate(anonymous))).toBe('AUTH_REQUIRED');
    expect(codeOf(() => g.roles.canActivate(anonymous))).toBe('AUTH_REQUIRED');
    expect(codeOf(() => g.fresh.canActivate(anonymous))).toBe('AUTH_REQUIRED');
    expect(await codeOfAsync(() => g.ownership.canActivate(anonymous))).toBe('AUTH_REQUIRED');
  });

  it('OwnershipGuard gives the resolver the context, for GraphQL arguments', async () => {
    const g = await guardsWith();
    const user = { id: 'u9', roles: ['user'] };
    const session = { user, auth: { authenticatedAt: Date.now() } };
    const missing = gqlContext({ session }, { id: 'nope' });
    expect(await codeOfAsync(() => g.ownership.canActivate(missing))).toBe('RESOURCE_NOT_FOUND');
    const other = gqlContext({ session }, { id: 'p1' });
    expect(await codeOfAsync(() => g.ownership.canActivate(other))).toBe('ACCESS_DENIED');
  });

  it('every guard works on a gateway message', async () => {
    const g = await guardsWith();
    expect(codeOf(() => g.auth.canActivate(wsContext({ session: freshSession() })))).toBe(true);
    expect(codeOf(() => g.roles.canActivate(wsContext({ session: {} })))).toBe('AUTH_REQUIRED');
    expect(codeOf(() => g.csrf.canActivate(wsContext({ session: {} })))).toBe(true);
  });

  it('CsrfGuard checks GraphQL mutations, not queries, over a live session', async () => {
    const g = await guardsWith();
    const req = {
      method: 'POST',
      session: { csrfToken: 'right-token' },
      get: (name: string) => (name === 'x-csrf-token' ? 'wrong' : undefined),
    };
    expect(codeOf(() => g.csrf.canActivate(gqlContext(req, {}, 'query')))).toBe(true);
    expect(codeOf(() => g.csrf.canActivate(gqlContext(req, {}, 'mutation')))).toBe('CSRF_INVALID');
  });

  it('one override of getPrincipal changes AuthGuard, RolesGuard, OwnershipGuard, FreshLoginGuard and @SessionUser', async () => {
    @Injectable()
    class ApiKeyPrincipal extends SessionContextResolver {
      override getPrincipal(request: Request): SessionPrincipal | undefined {
        return request.headers?.['x-api-key'] === 'k' ? admin : undefined;
      }
    }
    const g = await guardsWith(ApiKeyPrincipal);
    expect(g.resolver).toBeInstanceOf(ApiKeyPrincipal);
    const req = {
      headers: { 'x-api-key': 'k' },
      session: { auth: { authenticatedAt: Date.now() } },
    };
    const ctx = gqlContext(req, { id: 'p1' });
    expect(codeOf(() => g.auth.canActivate(ctx))).toBe(true);
    expect(codeOf(() => g.roles.canActivate(ctx))).toBe(true);
    expect(codeOf(() => g.fresh.canActivate(ctx))).toBe(true);
    expect(await codeOfAsync(() => g.ownership.canActivate(ctx))).toBe(true);
    attachContextResolver(req as unknown as Request, g.resolver);
    expect(factoryOf(SessionUser())(ctx)).toBe(admin);
    const stranger = gqlContext({ headers: {}, session: { user: admin } }, { id: 'p1' });
    expect(codeOf(() => g.auth.canActivate(stranger))).toBe('AUTH_REQUIRED');
    expect(codeOf(() => g.roles.canActivate(stranger))).toBe('AUTH_REQUIRED');
  });

  it('refuses a contextResolver that is not a SessionContextResolver', async () => {
    class NotAResolver {}
    await expect(
      guardsWith(NotAResolver as unknown as Type<SessionContextResolver>),
    ).rejects.toThrow('"contextResolver": must extend SessionContextResolver');
  });
});

describe('@SessionUser() beyond http', () => {
  it('resolves the principal on a resolver and on a gateway', () => {
    const resolve = factoryOf(SessionUser());
    expect(resolve(gqlContext({ session: { user: admin } }))).toBe(admin);
    expect(resolve(wsContext({ session: { user: admin } }))).toBe(admin);
    expect(resolve(wsContext({ session: {} }))).toBeUndefined();
  });
});
