import { jest } from '@jest/globals';
import { Injectable, type Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { OwnershipGuard } from './ownership.guard';
import type { OwnershipResolver } from './ownership-resolver';
import { OwnedBy } from '../decorators/access.decorators';
import { applySessionDefaults, type SessionModuleOptions } from '../session.options';
import { SESSION_OPTIONS } from '../session.constants';
import { SessionHttpException } from '../errors';
import { contextOf, type Handler } from './guard-context.spec-support';

function requestFor(id: string, user?: { id: string; roles: string[] }): Request {
  const headers: Record<string, string> = {};
  return {
    method: 'PATCH',
    params: { id },
    headers,
    get: (name: string) => headers[name.toLowerCase()],
    session: user ? { user } : {},
  } as unknown as Request;
}

async function rejectionOf(promise: Promise<unknown>): Promise<SessionHttpException> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SessionHttpException);
    return err as SessionHttpException;
  }
  throw new Error('expected the guard to refuse');
}

/** post id -> owner id */
const POSTS = new Map([
  ['p1', 'alice'],
  ['p2', 'bob'],
]);

@Injectable()
class PostOwner implements OwnershipResolver {
  async ownerOf(request: Request): Promise<string | null> {
    return POSTS.get(String(request.params.id)) ?? null;
  }
}

/** Everything belongs to carol, synchronously. */
@Injectable()
class CarolOwnsAll implements OwnershipResolver {
  ownerOf(): string {
    return 'carol';
  }
}

class PostsController {
  none() {}
  @OwnedBy(PostOwner) update() {}
  @OwnedBy(PostOwner, { bypassRoles: ['moderator'] }) moderate() {}
  @OwnedBy(PostOwner, { bypassRoles: [] }) ownerOnly() {}
  @OwnedBy(PostOwner, { bypassRoles: ['billing'] }) billing() {}
}

@OwnedBy(PostOwner)
class OwnedController {
  inherited() {}
  @OwnedBy(CarolOwnsAll) overridden() {}
}

function stubModuleRef(): ModuleRef {
  const instances = new Map<unknown, OwnershipResolver>([
    [PostOwner, new PostOwner()],
    [CarolOwnsAll, new CarolOwnsAll()],
  ]);
  return {
    get: (type: unknown) => {
      const found = instances.get(type);
      if (!found) throw new Error('no such provider');
      return found;
    },
  } as unknown as ModuleRef;
}

function guardWith(options: Partial<SessionModuleOptions> = {}): OwnershipGuard {
  return new OwnershipGuard(
    new Reflector(),
    stubModuleRef(),
    applySessionDefaults({ secret: 's', ...options }),
  );
}

const alice = { id: 'alice', roles: ['user'] };
const bob = { id: 'bob', roles: ['user'] };
const as = (id: string, ...roles: string[]) => ({ id, roles });

describe('OwnershipGuard', () => {
  const guard = guardWith();
  const P = PostsController.prototype;
  const run = (req: Request, handler: Handler, cls: Type<unknown> = PostsController) =>
    guard.canActivate(contextOf(req, handler, cls));

  describe('metadata', () => {
    it('none: lets everyone through without asking a resolver', async () => {
      await expect(run(requestFor('missing'), P.none)).resolves.toBe(true);
    });

    it('on the handler only', async () => {
      await expect(run(requestFor('p1', alice), P.update)).resolves.toBe(true);
      expect((await rejectionOf(run(requestFor('p1', bob), P.update))).code).toBe('ACCESS_DENIED');
    });

    it('on the class only', async () => {
      const handler = OwnedController.prototype.inherited;
      await expect(run(requestFor('p1', alice), handler, OwnedController)).resolves.toBe(true);
      const err = await rejectionOf(run(requestFor('p1', bob), handler, OwnedController));
      expect(err.code).toBe('ACCESS_DENIED');
    });

    it('on both: the handler resolver wins', async () => {
      const handler = OwnedController.prototype.overridden;
      await expect(
        run(requestFor('p1', as('carol', 'user')), handler, OwnedController),
      ).resolves.toBe(true);
      const err = await rejectionOf(run(requestFor('p1', alice), handler, OwnedController));
      expect(err.code).toBe('ACCESS_DENIED');
    });
  });

  it('lets the owner through', async () => {
    await expect(run(requestFor('p2', bob), P.update)).resolves.toBe(true);
  });

  it('answers 404 RESOURCE_NOT_FOUND when the resolver finds nothing', async () => {
    const err = await rejectionOf(run(requestFor('missing', alice), P.update));
    expect(err.getStatus()).toBe(404);
    expect(err.getResponse()).toEqual({
      statusCode: 404,
      code: 'RESOURCE_NOT_FOUND',
      message: expect.any(String),
    });
  });

  it('answers 404 even to an admin when the resource does not exist', async () => {
    const err = await rejectionOf(run(requestFor('missing', as('root', 'superadmin')), P.update));
    expect(err.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('answers 403 ACCESS_DENIED to another user', async () => {
    const err = await rejectionOf(run(requestFor('p1', bob), P.update));
    expect(err.getStatus()).toBe(403);
    expect(err.getResponse()).toEqual({
      statusCode: 403,
      code: 'ACCESS_DENIED',
      message: expect.any(String),
    });
  });

  it('lets admin and superadmin bypass by default, not a moderator', async () => {
    await expect(run(requestFor('p1', as('a', 'admin')), P.update)).resolves.toBe(true);
    await expect(run(requestFor('p1', as('s', 'superadmin')), P.update)).resolves.toBe(true);
    const err = await rejectionOf(run(requestFor('p1', as('m', 'moderator')), P.update));
    expect(err.code).toBe('ACCESS_DENIED');
  });

  it('honours custom bypassRoles through the hierarchy', async () => {
    await expect(run(requestFor('p1', as('m', 'moderator')), P.moderate)).resolves.toBe(true);
    await expect(run(requestFor('p1', as('a', 'admin')), P.moderate)).resolves.toBe(true);
    const err = await rejectionOf(run(requestFor('p1', bob), P.moderate));
    expect(err.code).toBe('ACCESS_DENIED');
  });

  it('matches a bypass role outside the hierarchy only exactly', async () => {
    await expect(run(requestFor('p1', as('b', 'billing')), P.billing)).resolves.toBe(true);
    const err = await rejectionOf(run(requestFor('p1', as('s', 'superadmin')), P.billing));
    expect(err.code).toBe('ACCESS_DENIED');
  });

  it('with bypassRoles [] nobody but the owner passes', async () => {
    await expect(run(requestFor('p1', alice), P.ownerOnly)).resolves.toBe(true);
    for (const role of ['admin', 'superadmin']) {
      const err = await rejectionOf(run(requestFor('p1', as('x', role)), P.ownerOnly));
      expect(err.code).toBe('ACCESS_DENIED');
    }
  });

  it('answers 401 AUTH_REQUIRED to an anonymous request, without asking the resolver', async () => {
    const ownerOf = jest.spyOn(PostOwner.prototype, 'ownerOf');
    try {
      const err = await rejectionOf(run(requestFor('p1'), P.update));
      expect(err.getStatus()).toBe(401);
      expect(err.code).toBe('AUTH_REQUIRED');
      expect(ownerOf).not.toHaveBeenCalled();
    } finally {
      ownerOf.mockRestore();
    }
  });

  it('accepts a synchronous resolver', async () => {
    const handler = OwnedController.prototype.overridden;
    await expect(run(requestFor('any', as('carol')), handler, OwnedController)).resolves.toBe(true);
  });

  it('takes the resolver from a real Nest module (DI)', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        OwnershipGuard,
        PostOwner,
        { provide: SESSION_OPTIONS, useValue: applySessionDefaults({ secret: 's' }) },
      ],
    }).compile();
    const real = moduleRef.get(OwnershipGuard);
    await expect(
      real.canActivate(contextOf(requestFor('p1', alice), P.update, PostsController)),
    ).resolves.toBe(true);
    const err = await rejectionOf(
      real.canActivate(contextOf(requestFor('p1', bob), P.update, PostsController)),
    );
    expect(err.code).toBe('ACCESS_DENIED');
    await moduleRef.close();
  });
});
