import { randomUUID } from 'node:crypto';
import { Controller, Get } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import request, { type Response } from 'supertest';
import { SESSION_REDIS_CLIENT } from 'nest-session-kit';
import {
  createTestApp,
  REDIS_URL,
  redisEnv,
  TEST_SECRET,
  type TestApp,
  storedIdOf,
} from './support/app-factory';
import { freePort, PrivateRedisServer } from './support/redis-server';
import {
  commandsDuring,
  inspectRedis,
  logIn,
  monitorDuring,
  waitFor,
} from './support/redis-inspect';
import { createLibraryApp } from './support/library-app';

/** 503 in the error shape: the store is away, and the request says so instead of going on. */
function expectStoreUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    statusCode: 503,
    code: 'SESSION_STORE_UNAVAILABLE',
    message: expect.any(String),
  });
}

/** With the default idle timeout (30 min) the store keeps a session twice as long. */
const STORE_TTL_SECONDS = 3600;

describe('Redis store: keys, expiry and cost (shared Redis)', () => {
  let app: TestApp;
  let redis: RedisClientType;
  let prefix: string;

  beforeAll(async () => {
    const env = redisEnv();
    prefix = env.SESSION_PREFIX as string;
    app = await createTestApp(env);
    redis = await inspectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await app.close();
    await redis.close();
  });

  it('stores the session as JSON with the user under <prefix><hash of the sid>, with a TTL', async () => {
    const { sid, user } = await logIn(app);
    const key = `${prefix}${storedIdOf(sid)}`;

    const raw = await redis.get(key);
    expect(raw).not.toBeNull();
    const stored = JSON.parse(raw as string) as { user?: unknown };
    expect(stored.user).toEqual(user);
    expect(user).toEqual({ id: expect.any(String), email: 'user@example.com', roles: ['user'] });

    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(STORE_TTL_SECONDS);
  });

  it('slides the TTL back up on an authenticated read', async () => {
    const { sid, cookie } = await logIn(app);
    const key = `${prefix}${storedIdOf(sid)}`;
    expect(await redis.expire(key, 100)).toBe(1);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(100);

    await app.agent().get('/auth/me').set('Cookie', cookie).expect(200);

    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(STORE_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(STORE_TTL_SECONDS);
  });

  it('deletes the key on logout', async () => {
    const { sid, cookie, csrfToken } = await logIn(app);
    const key = `${prefix}${storedIdOf(sid)}`;
    expect(await redis.exists(key)).toBe(1);

    await app
      .agent()
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set('x-csrf-token', csrfToken)
      .expect(204);

    expect(await redis.exists(key)).toBe(0);
    await app.agent().get('/auth/me').set('Cookie', cookie).expect(401);
  });
});

describe('Redis store: one command per authenticated read (private redis-server)', () => {
  let server: PrivateRedisServer;
  let app: TestApp;
  let redis: RedisClientType;

  beforeAll(async () => {
    server = new PrivateRedisServer(await freePort());
    await server.start();
    app = await createTestApp({ REDIS_URL: server.url });
    redis = await inspectRedis(server.url);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.close();
    await server?.stop();
  });

  it('an authenticated GET /auth/me costs exactly one Redis command (GETEX), not GET + EXPIRE', async () => {
    const { cookie } = await logIn(app);
    const me = () => app.agent().get('/auth/me').set('Cookie', cookie).expect(200);
    // The sample's navigation history records the first visit to /auth/me (a session write);
    // from then on reading it changes nothing, and that read is what this measures.
    await me();
    await new Promise((resolve) => setTimeout(resolve, 150));

    // MONITOR names the commands and keys when this fails; INFO commandstats counts them again.
    const seen = await monitorDuring(server.url, me);
    expect(seen).toEqual([expect.stringMatching(/^GETEX \S+ PX \d+$/i)]);

    const commands = await commandsDuring(redis, me);
    expect(commands).toEqual({ getex: 1 });
  });
});

describe('Redis store: scale-out across app instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const shared = redisEnv({ SESSION_SECRET: TEST_SECRET });
    a = await createTestApp(shared);
    b = await createTestApp(shared);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a session made on one instance is live on the other, and a logout on one ends it on both', async () => {
    const { cookie, csrfToken, user } = await logIn(a);

    const onB = await b.agent().get('/auth/me').set('Cookie', cookie).expect(200);
    expect(onB.body).toEqual({ user });

    await b
      .agent()
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set('x-csrf-token', csrfToken)
      .expect(204);

    const onA = await a.agent().get('/auth/me').set('Cookie', cookie).expect(401);
    expect(onA.body.code).toBe('AUTH_REQUIRED');
  });
});

describe('Redis store: outage while running (private redis-server)', () => {
  let server: PrivateRedisServer;
  let app: TestApp;
  // PrivateRedisServer.stop() never returns when called again after a kill: track it here.
  let up = false;

  const stopRedis = async () => {
    await server.stop();
    up = false;
  };
  const startRedis = async () => {
    await server.start();
    up = true;
  };

  beforeEach(async () => {
    server = new PrivateRedisServer(await freePort());
    await startRedis();
    app = await createTestApp({ REDIS_URL: server.url });
  });
  afterEach(async () => {
    await app?.close();
    if (up) await stopRedis();
  });

  it('answers 503 SESSION_STORE_UNAVAILABLE fast while Redis is down and recovers by itself', async () => {
    const { cookie } = await logIn(app);
    await app.agent().get('/auth/me').set('Cookie', cookie).expect(200);

    await stopRedis();

    // A request that needs the session: 503 with the error shape, fast, never 200 or 401.
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await app.agent().get('/auth/me').set('Cookie', cookie).timeout(10_000);
      const elapsed = Date.now() - started;
      expectStoreUnavailable(res);
      expect(elapsed).toBeLessThan(2500);
    }

    // /health does not touch the session store: it still answers, and reports the store down.
    const started = Date.now();
    const health = await app.agent().get('/health').timeout(10_000);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      statusCode: 503,
      code: 'SESSION_STORE_UNAVAILABLE',
      message: expect.any(String),
      store: { status: 'down' },
    });

    await startRedis();

    // The client reconnects by itself (capped backoff of 2 s).
    await waitFor(async () => {
      const res = await app.agent().get('/health').timeout(5_000);
      return res.status === 200;
    }, 8_000);
    const healthy = await app.agent().get('/health').expect(200);
    expect(healthy.body).toEqual({ status: 'ok', store: { status: 'up' } });

    // The restarted server is empty: the old session is gone (401), a new login works.
    const again = await logIn(app);
    const me = await app.agent().get('/auth/me').set('Cookie', again.cookie).expect(200);
    expect(me.body).toEqual({ user: again.user });
  });

  it('answers a login 503 SESSION_STORE_UNAVAILABLE while Redis is down, never 200 or 500', async () => {
    await stopRedis();

    const login = await app
      .agent()
      .post('/auth/login')
      .send({ email: 'user@example.com', password: 'user-password-1' })
      .timeout(10_000);

    expect(login.status).toBe(503);
    expect(login.body).toEqual({
      statusCode: 503,
      code: 'SESSION_STORE_UNAVAILABLE',
      message: expect.any(String),
    });
  });

  it('shuts down promptly while Redis is down, closing its client', async () => {
    const client = app.app.get<symbol, RedisClientType>(SESSION_REDIS_CLIENT);
    await stopRedis();
    await app.agent().get('/health').expect(503);

    const started = Date.now();
    await app.close();

    expect(Date.now() - started).toBeLessThan(3000);
    expect(client.isOpen).toBe(false);
  });
});

describe('Redis store: a server that stops answering (private redis-server, SIGSTOP)', () => {
  let server: PrivateRedisServer;
  let app: TestApp;
  let pid: number;

  beforeAll(async () => {
    server = new PrivateRedisServer(await freePort());
    await server.start();
    app = await createTestApp({ REDIS_URL: server.url });
    const probe = await inspectRedis(server.url);
    pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1]);
    await probe.close();
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    await app?.close();
    await server?.stop();
  });

  it('answers 503 within the command timeout instead of hanging, and carries on afterwards', async () => {
    expect(pid).toBeGreaterThan(0);
    const { cookie, user } = await logIn(app);

    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const res = await app.agent().get('/auth/me').set('Cookie', cookie).timeout(10_000);
      const elapsed = Date.now() - started;
      expectStoreUnavailable(res);
      // The default command timeout is 2 s.
      expect(elapsed).toBeLessThan(4000);

      const health = await app.agent().get('/health').timeout(10_000);
      expect(health.status).toBe(503);
      expect(health.body.store).toEqual({ status: 'down' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    // The late replies to the timed-out commands must not be handed to later commands.
    await waitFor(async () => (await app.agent().get('/health')).status === 200, 5_000);
    for (let i = 0; i < 3; i++) {
      const me = await app.agent().get('/auth/me').set('Cookie', cookie).expect(200);
      expect(me.body).toEqual({ user });
    }
  });
});

@Controller('ping')
class PingController {
  @Get()
  ping(): { ok: true } {
    return { ok: true };
  }
}

describe('Redis store: shutdown', () => {
  it('app.close() closes the Redis client the module created', async () => {
    const app = await createTestApp(redisEnv());
    const client = app.app.get<symbol, RedisClientType>(SESSION_REDIS_CLIENT);
    expect(client.isOpen).toBe(true);

    await app.close();

    expect(client.isOpen).toBe(false);
  });

  it('app.close() leaves a client passed in by the user open', async () => {
    const client = await inspectRedis(REDIS_URL);
    try {
      const app = await createLibraryApp(
        { store: { type: 'redis', client, prefix: `test:${randomUUID()}:sess:` } },
        [PingController],
      );
      expect(app.get(SESSION_REDIS_CLIENT)).toBe(client);
      await request(app.getHttpServer()).get('/ping').expect(200, { ok: true });

      await app.close();

      expect(client.isOpen).toBe(true);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.close();
    }
  });
});
