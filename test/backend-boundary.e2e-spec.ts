import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { jest } from '@jest/globals';
import { Controller, Delete, Get, Logger, Param, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { MemoryStore, type SessionData } from 'express-session';
import type { RedisClientType } from 'redis';
import request from 'supertest';
import {
  SESSION_BACKEND,
  SessionAnalytics,
  SessionEvents,
  SessionHealthService,
  SessionRegistry,
  SessionService,
  type RegistryEntry,
  type SessionAnalyticsBackend,
  type SessionBackend,
  type SessionRegistryBackend,
  type SessionStats,
} from 'nest-session-kit';
import { createLibraryApp } from './support/library-app';
import { freePort, PrivateRedisServer } from './support/redis-server';
import { commandsDuring, inspectRedis } from './support/redis-inspect';

@Controller()
class AccountController {
  constructor(
    private readonly sessions: SessionService,
    private readonly registry: SessionRegistry,
  ) {}

  @Post('login/:id')
  async login(@Req() req: Request, @Param('id') id: string) {
    await this.sessions.login(req, { id, roles: ['user'] });
    return { ok: true };
  }

  @Get('sessions/:id')
  list(@Param('id') id: string) {
    return this.registry.listSessions(id);
  }

  @Delete('sessions/:id')
  async revokeAll(@Param('id') id: string) {
    return { revoked: await this.registry.revokeAllSessions(id) };
  }
}

/** A registry backend of the user's own: a map, recording what the library asked of it. */
class RecordingRegistry implements SessionRegistryBackend {
  readonly users = new Map<string, Map<string, RegistryEntry>>();
  readonly calls: string[] = [];
  async put(userId: string, entry: RegistryEntry) {
    this.calls.push(`put ${userId}`);
    const entries = this.users.get(userId) ?? new Map<string, RegistryEntry>();
    this.users.set(userId, entries.set(entry.handle, entry));
    return entries.size;
  }
  async entries(userId: string) {
    this.calls.push(`entries ${userId}`);
    return [...(this.users.get(userId)?.values() ?? [])];
  }
  async remove(userId: string, handles: string[]) {
    this.calls.push(`remove ${userId}`);
    for (const handle of handles) this.users.get(userId)?.delete(handle);
  }
}

/** An analytics backend whose records never answer (a stalled database). */
class StalledAnalytics implements SessionAnalyticsBackend {
  started = 0;
  recordStart() {
    this.started += 1;
    return new Promise<void>(() => undefined);
  }
  recordActivity() {
    return new Promise<void>(() => undefined);
  }
  recordEnd() {
    return new Promise<void>(() => undefined);
  }
  stats(): Promise<SessionStats> {
    return new Promise<SessionStats>(() => undefined);
  }
}

class FailingRegistry implements SessionRegistryBackend {
  put(): Promise<number> {
    return Promise.reject(new Error('registry database is down'));
  }
  entries(): Promise<RegistryEntry[]> {
    return Promise.reject(new Error('registry database is down'));
  }
  remove(): Promise<void> {
    return Promise.reject(new Error('registry database is down'));
  }
}

/** The library's bound on analytics records waiting for the backend. */
const MAX_PENDING_RECORDS = 1000;

const server = (app: INestApplication) => app.getHttpServer() as Server;

const STORE_UNAVAILABLE = {
  statusCode: 503,
  code: 'SESSION_STORE_UNAVAILABLE',
  message: expect.any(String),
};

describe('the backend boundary', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('uses the registry backend passed as `registry` for login, listing and revoking', async () => {
    const registry = new RecordingRegistry();
    app = await createLibraryApp({ registry }, [AccountController]);
    await request(server(app)).post('/login/u1').expect(201);
    await request(server(app)).post('/login/u1').expect(201);
    expect(registry.users.get('u1')?.size).toBe(2);
    const listed = await request(server(app)).get('/sessions/u1').expect(200);
    expect(listed.body).toHaveLength(2);
    await request(server(app)).delete('/sessions/u1').expect(200, { revoked: 2 });
    expect(registry.users.get('u1')?.size).toBe(0);
    expect(registry.calls).toContain('put u1');
  });

  it('answers 503, never 500, when the registry backend fails on login or listing', async () => {
    app = await createLibraryApp({ registry: new FailingRegistry() }, [AccountController]);
    const login = await request(server(app)).post('/login/u1');
    expect({ status: login.status, body: login.body }).toEqual({
      status: 503,
      body: STORE_UNAVAILABLE,
    });
    const list = await request(server(app)).get('/sessions/u1');
    expect({ status: list.status, body: list.body }).toEqual({
      status: 503,
      body: STORE_UNAVAILABLE,
    });
  });

  it('answers 503 when the registry backend stalls, once the command timeout has passed', async () => {
    const stalled: SessionRegistryBackend = {
      put: () => new Promise<number>(() => undefined),
      entries: () => new Promise<RegistryEntry[]>(() => undefined),
      remove: () => new Promise<void>(() => undefined),
    };
    app = await createLibraryApp({ registry: stalled }, [AccountController]);
    const backend = app.get<symbol, SessionBackend>(SESSION_BACKEND);
    const list = await request(server(app)).get('/sessions/u1');
    expect(list.status).toBe(503);
    expect(list.body).toEqual(STORE_UNAVAILABLE);
    expect(backend.commandTimeoutMs).toBe(2000);
  });

  it('never lets a stalled analytics backend hold or fail a login', async () => {
    const analytics = new StalledAnalytics();
    app = await createLibraryApp({ analytics }, [AccountController]);
    await request(server(app)).post('/login/u1').expect(201, { ok: true });
    await request(server(app)).post('/login/u2').expect(201, { ok: true });
    expect(analytics.started).toBe(2);
    expect(app.get(SessionAnalytics).pendingRecords).toBe(2);
    await expect(app.get(SessionAnalytics).getStats(1)).rejects.toMatchObject({
      status: 503,
    });
  });

  it('drops analytics records past the bound on pending ones instead of queueing without end', async () => {
    const analytics = new StalledAnalytics();
    app = await createLibraryApp({ analytics }, [AccountController]);
    const service = app.get(SessionAnalytics);
    const events = app.get(SessionEvents);
    for (let i = 0; i < MAX_PENDING_RECORDS + 50; i++) {
      void events.emit('end', { userId: `u${i}`, createdAt: 0, endedAt: 1, reason: 'logout' });
    }
    expect(service.pendingRecords).toBe(MAX_PENDING_RECORDS);
  });

  describe('with `analytics: false` on Redis', () => {
    let port: number;
    let inspect: RedisClientType;
    let privateServer: PrivateRedisServer;

    beforeAll(async () => {
      port = await freePort();
      privateServer = new PrivateRedisServer(port);
      await privateServer.start();
      inspect = await inspectRedis(privateServer.url);
    });
    afterAll(async () => {
      await inspect.close();
      await privateServer.stop();
    });

    it('sends no analytics command on login, and getStats says analytics are off', async () => {
      app = await createLibraryApp(
        {
          analytics: false,
          store: { type: 'redis', url: privateServer.url, prefix: `t:${randomUUID()}:` },
        },
        [AccountController],
      );
      const commands = await commandsDuring(inspect, () =>
        request(server(app as INestApplication))
          .post('/login/u1')
          .expect(201),
      );
      const analyticsCommands = ['multi', 'exec', 'incr', 'pfadd', 'hincrby', 'zadd', 'expireat'];
      expect(Object.keys(commands).filter((name) => analyticsCommands.includes(name))).toEqual([]);
      expect(commands.set).toBe(1);
      expect((commands.evalsha ?? 0) + (commands.eval ?? 0)).toBeGreaterThan(0);
      await expect(app.get(SessionAnalytics).getStats(1)).rejects.toThrow(/analytics are off/);
    });
  });

  describe('while Redis is down', () => {
    let redis: PrivateRedisServer;
    beforeAll(async () => {
      redis = new PrivateRedisServer(await freePort());
      await redis.start();
    });
    afterAll(() => redis.stop());

    it('answers the registry and analytics paths with 503, never 500, and recovers', async () => {
      const live = await createLibraryApp(
        {
          store: {
            type: 'redis',
            url: redis.url,
            prefix: `o:${randomUUID()}:`,
            commandTimeout: 300,
          },
        },
        [AccountController],
      );
      app = live;
      await request(server(live)).post('/login/u1').expect(201);
      await request(server(live)).get('/sessions/u1').expect(200);
      await redis.stop();
      const list = await request(server(live)).get('/sessions/u1');
      expect({ status: list.status, body: list.body }).toEqual({
        status: 503,
        body: STORE_UNAVAILABLE,
      });
      const revoke = await request(server(live)).delete('/sessions/u1');
      expect({ status: revoke.status, body: revoke.body }).toEqual({
        status: 503,
        body: STORE_UNAVAILABLE,
      });
      await expect(live.get(SessionAnalytics).getStats(1)).rejects.toMatchObject({
        status: 503,
      });
      expect(await live.get(SessionHealthService).check()).toMatchObject({ status: 'down' });
      await redis.start();
      for (let i = 0; i < 50; i++) {
        if ((await live.get(SessionHealthService).check()).status === 'up') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const listed = await request(server(live)).get('/sessions/u1').expect(200);
      expect(listed.body).toEqual([]);
    });
  });

  describe('a custom express-session store', () => {
    it('warns at start-up that the registry and analytics are per process', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        app = await createLibraryApp({ store: new MemoryStore() }, [AccountController]);
        const lines = warn.mock.calls.map((call) => String(call[0]));
        const line = lines.find((text) => text.includes('custom express-session store'));
        expect(line).toMatch(/registry/);
        expect(line).toMatch(/this process only/);
      } finally {
        warn.mockRestore();
      }
    });

    it('does not warn when a shared registry and analytics are given', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        app = await createLibraryApp(
          { store: new MemoryStore(), registry: new RecordingRegistry(), analytics: false },
          [AccountController],
        );
        const lines = warn.mock.calls.map((call) => String(call[0]));
        expect(lines.filter((text) => text.includes('custom express-session store'))).toEqual([]);
        expect(app.get<symbol, SessionBackend>(SESSION_BACKEND).shared).toBe(true);
      } finally {
        warn.mockRestore();
      }
    });

    it('answers 503 once the command timeout passes when it stops answering', async () => {
      const store = new MemoryStore();
      app = await createLibraryApp({ store }, [AccountController]);
      const login = await request(server(app)).post('/login/u1').expect(201);
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      store.get = () => undefined;
      const res = await request(server(app)).get('/sessions/u1').set('Cookie', cookie);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: STORE_UNAVAILABLE,
      });
    });

    it('is reported down by the health check when it fails, up when it answers', async () => {
      const store = new MemoryStore();
      app = await createLibraryApp({ store }, [AccountController]);
      const health = app.get(SessionHealthService);
      expect(await health.check()).toEqual({ status: 'up' });
      const original = store.get.bind(store);
      store.get = (sid: string, cb: (err: unknown, s?: SessionData | null) => void) =>
        cb(new Error('database is down'));
      expect(await health.check()).toEqual({ status: 'down', message: 'database is down' });
      store.get = original;
    });

    it('refuses a registry that is not one, naming the option', async () => {
      await expect(
        createLibraryApp(
          { registry: { put: () => Promise.resolve(1) } as unknown as SessionRegistryBackend },
          [AccountController],
        ),
      ).rejects.toThrow(/"registry".*entries, remove/);
    });
  });
});
