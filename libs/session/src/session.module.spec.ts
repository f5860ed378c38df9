import { jest } from '@jest/globals';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Req,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { Request } from 'express';
import { Store, type SessionData } from 'express-session';
import request from 'supertest';
import { SessionModule } from './session.module';
import type { SessionOptionsFactory } from './session.module-definition';
import { SESSION_OPTIONS, SESSION_REDIS_CLIENT, SESSION_STORE } from './session.constants';
import type { ResolvedSessionOptions, SessionModuleOptions } from './session.options';
import { SessionService } from './session.service';
import { SessionHealthService } from './session-health.service';
import { SessionEvents } from './session-events';
import { MemorySessionStore } from './backends/memory/memory-session.store';
import { RolesGuard } from './guards/roles.guard';
import { FreshLoginGuard } from './guards/fresh-login.guard';
import { SessionConfigurationError } from './errors';

const SECRET = 'a-module-test-secret-of-at-least-32-chars';

/** A ConfigService-like provider, in a module of its own as @nestjs/config does it. */
@Injectable()
class AppConfig {
  readonly values: Record<string, string> = { SECRET, NAME: 'config.sid', FRESH: '1234' };
  get(key: string): string {
    return this.values[key];
  }
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class AppConfigModule {}

/** An options factory class for useClass / useExisting. */
@Injectable()
class SessionConfig implements SessionOptionsFactory {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}
  createSessionOptions(): SessionModuleOptions {
    return { secret: this.config.get('SECRET'), name: 'class.sid', production: false };
  }
}

@Module({ imports: [AppConfigModule], providers: [SessionConfig], exports: [SessionConfig] })
class SessionConfigModule {}

class CustomStore extends Store {
  get(_sid: string, cb: (err: unknown, session?: SessionData | null) => void) {
    cb(null, null);
  }
  set(_sid: string, _session: SessionData, cb?: (err?: unknown) => void) {
    cb?.();
  }
  destroy(_sid: string, cb?: (err?: unknown) => void) {
    cb?.();
  }
}

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function compile(metadata: ModuleMetadata): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  modules.push(moduleRef);
  return moduleRef;
}

async function configurationErrorOf(metadata: ModuleMetadata): Promise<SessionConfigurationError> {
  const err = await compile(metadata).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SessionConfigurationError);
  return err as SessionConfigurationError;
}

function expectResolves(moduleRef: TestingModule) {
  const options = moduleRef.get<ResolvedSessionOptions>(SESSION_OPTIONS);
  expect(options.secret).toEqual([SECRET]);
  expect(moduleRef.get(SESSION_STORE)).toBeInstanceOf(MemorySessionStore);
  expect(moduleRef.get(SESSION_REDIS_CLIENT)).toBeNull();
  expect(moduleRef.get(SessionService)).toBeInstanceOf(SessionService);
  expect(moduleRef.get(SessionHealthService)).toBeInstanceOf(SessionHealthService);
  expect(moduleRef.get(SessionEvents)).toBeInstanceOf(SessionEvents);
  return options;
}

describe('SessionModule', () => {
  it('forRoot: compiles and resolves the options with defaults, the store and the service', async () => {
    const options = expectResolves(
      await compile({ imports: [SessionModule.forRoot({ secret: SECRET, production: false })] }),
    );
    expect(options).toMatchObject({
      name: 'sid',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', path: '/', secure: false },
      roleHierarchy: ['user', 'moderator', 'admin', 'superadmin'],
      freshLoginMaxAge: 300_000,
    });
  });

  it('forRoot: uses an express-session Store instance as it is', async () => {
    const store = new CustomStore();
    const moduleRef = await compile({
      imports: [SessionModule.forRoot({ secret: SECRET, store })],
    });
    expect(moduleRef.get(SESSION_STORE)).toBe(store);
    expect(moduleRef.get(SESSION_REDIS_CLIENT)).toBeNull();
  });

  it('forRoot: applies the memory store bound', async () => {
    const moduleRef = await compile({
      imports: [
        SessionModule.forRoot({ secret: SECRET, store: { type: 'memory', maxSessions: 2 } }),
      ],
    });
    const store = moduleRef.get<MemorySessionStore>(SESSION_STORE);
    for (const sid of ['a', 'b', 'c']) {
      await new Promise<void>((resolve) =>
        store.set(sid, { cookie: { path: '/' } } as unknown as SessionData, () => resolve()),
      );
    }
    expect(store.size).toBe(2);
  });

  it('forRootAsync useFactory: with inject and imports of a config module', async () => {
    const moduleRef = await compile({
      imports: [
        SessionModule.forRootAsync({
          imports: [AppConfigModule],
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            secret: config.get('SECRET'),
            name: config.get('NAME'),
            freshLoginMaxAge: Number(config.get('FRESH')),
          }),
        }),
      ],
    });
    const options = expectResolves(moduleRef);
    expect(options.name).toBe('config.sid');
    expect(options.freshLoginMaxAge).toBe(1234);
  });

  it('forRootAsync useFactory: an async factory', async () => {
    const moduleRef = await compile({
      imports: [SessionModule.forRootAsync({ useFactory: async () => ({ secret: SECRET }) })],
    });
    expectResolves(moduleRef);
  });

  it('forRootAsync useClass: instantiates the factory class with its dependencies', async () => {
    const moduleRef = await compile({
      imports: [
        SessionModule.forRootAsync({ imports: [AppConfigModule], useClass: SessionConfig }),
      ],
    });
    expect(expectResolves(moduleRef).name).toBe('class.sid');
  });

  it('forRootAsync useExisting: uses a factory provided by an imported module', async () => {
    const moduleRef = await compile({
      imports: [
        SessionModule.forRootAsync({ imports: [SessionConfigModule], useExisting: SessionConfig }),
      ],
    });
    expect(expectResolves(moduleRef).name).toBe('class.sid');
  });

  describe('isGlobal', () => {
    @Module({ providers: [RolesGuard, FreshLoginGuard] })
    class FeatureModule {}

    it('lets guards of another module inject SESSION_OPTIONS', async () => {
      const moduleRef = await compile({
        imports: [
          SessionModule.forRoot({ secret: SECRET, isGlobal: true, freshLoginMaxAge: 42 }),
          FeatureModule,
        ],
      });
      expect(moduleRef.get(RolesGuard)).toBeInstanceOf(RolesGuard);
      const fresh = moduleRef.get(FreshLoginGuard) as unknown as {
        options: ResolvedSessionOptions;
      };
      expect(fresh.options.freshLoginMaxAge).toBe(42);
    });

    it('works with forRootAsync too', async () => {
      const moduleRef = await compile({
        imports: [
          SessionModule.forRootAsync({ isGlobal: true, useFactory: () => ({ secret: SECRET }) }),
          FeatureModule,
        ],
      });
      expect(moduleRef.get(RolesGuard)).toBeInstanceOf(RolesGuard);
    });

    it('isGlobal: false keeps the options to the importing module', async () => {
      await expect(
        compile({
          imports: [SessionModule.forRoot({ secret: SECRET, isGlobal: false }), FeatureModule],
        }),
      ).rejects.toThrow(/SESSION_OPTIONS/);
    });

    it('is global when isGlobal is not given (the default extra)', async () => {
      const moduleRef = await compile({
        imports: [SessionModule.forRoot({ secret: SECRET }), FeatureModule],
      });
      expect(moduleRef.get(RolesGuard)).toBeInstanceOf(RolesGuard);
    });
  });

  describe('startup validation', () => {
    it('forRoot fails with a SessionConfigurationError naming the option', async () => {
      const err = await configurationErrorOf({
        imports: [SessionModule.forRoot({ secret: SECRET, cookie: { maxAge: 0 } })],
      });
      expect(err.option).toBe('cookie.maxAge');
      expect(err.message).toContain('"cookie.maxAge"');
    });

    it('forRootAsync fails the same way', async () => {
      const err = await configurationErrorOf({
        imports: [
          SessionModule.forRootAsync({
            useFactory: () => ({ secret: 'short', production: true, allowMemoryStore: true }),
          }),
        ],
      });
      expect(err.option).toBe('secret');
    });

    it('refuses a missing secret', async () => {
      const err = await configurationErrorOf({
        imports: [SessionModule.forRootAsync({ useFactory: () => ({ secret: [] }) })],
      });
      expect(err.option).toBe('secret');
    });

    it('refuses the memory store in production', async () => {
      const err = await configurationErrorOf({
        imports: [SessionModule.forRoot({ secret: SECRET, production: true })],
      });
      expect(err.option).toBe('store');
    });
  });

  describe('shutdown', () => {
    it('stops the memory store it created', async () => {
      const close = jest.spyOn(MemorySessionStore.prototype, 'close');
      try {
        const moduleRef = await compile({ imports: [SessionModule.forRoot({ secret: SECRET })] });
        await moduleRef.close();
        modules.splice(modules.indexOf(moduleRef), 1);
        expect(close).toHaveBeenCalledTimes(1);
      } finally {
        close.mockRestore();
      }
    });
  });

  describe('in an application', () => {
    @Controller('visits')
    class VisitsController {
      @Get()
      hit(@Req() req: Request): { visits: number } {
        const session = req.session as unknown as { visits?: number };
        session.visits = (session.visits ?? 0) + 1;
        return { visits: session.visits };
      }

      @Get('probe')
      probe(@Req() req: Request): { hasSession: boolean } {
        return { hasSession: req.session !== undefined };
      }
    }

    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('applies express-session itself: a session persists across requests', async () => {
      const moduleRef = await compile({
        imports: [SessionModule.forRoot({ secret: SECRET, production: false })],
        controllers: [VisitsController],
      });
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      const agent = request.agent(app.getHttpServer() as Server);
      const first = await agent.get('/visits').expect(200);
      expect(first.body).toEqual({ visits: 1 });
      const cookie = String(first.headers['set-cookie']);
      expect(cookie).toMatch(/^sid=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Secure|Domain/);
      await agent.get('/visits').expect(200, { visits: 2 });
    });

    it('sets Express trust proxy from trustProxy, and leaves it alone by default', async () => {
      const trustOf = async (options: Partial<SessionModuleOptions>) => {
        const moduleRef = await compile({
          imports: [SessionModule.forRoot({ secret: SECRET, ...options })],
        });
        const nest = moduleRef.createNestApplication({ logger: false });
        await nest.init();
        const express = nest.getHttpAdapter().getInstance() as { get(key: string): unknown };
        const trust = express.get('trust proxy');
        await nest.close();
        return trust;
      };
      expect(await trustOf({ trustProxy: 1 })).toBe(1);
      expect(await trustOf({ trustProxy: 'loopback' })).toBe('loopback');
      expect(await trustOf({})).toBe(false);
    });

    it("passes proxy to express-session: a Secure cookie behind a proxy Express doesn't trust", async () => {
      const cookieOf = async (proxy: boolean | undefined) => {
        const moduleRef = await compile({
          imports: [
            SessionModule.forRoot({
              secret: SECRET,
              production: false,
              proxy,
              cookie: { secure: true },
            }),
          ],
          controllers: [VisitsController],
        });
        const nest = moduleRef.createNestApplication({ logger: false });
        await nest.init();
        const res = await request(nest.getHttpServer() as Server)
          .get('/visits')
          .set('X-Forwarded-Proto', 'https');
        await nest.close();
        return res.headers['set-cookie'];
      };
      expect(String(await cookieOf(true))).toContain('Secure');
      expect(await cookieOf(undefined)).toBeUndefined();
    });

    it('honours exclude: an excluded route gets no session', async () => {
      const moduleRef = await compile({
        imports: [
          SessionModule.forRoot({ secret: SECRET, production: false, exclude: ['visits/probe'] }),
        ],
        controllers: [VisitsController],
      });
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      const server = app.getHttpServer() as Server;
      await request(server).get('/visits/probe').expect(200, { hasSession: false });
      await request(server).get('/visits').expect(200, { visits: 1 });
    });
  });
});
