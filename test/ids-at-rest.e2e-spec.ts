import { Controller, Get, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { MemoryStore, type SessionData, type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { RedisClientType } from 'redis';
import request from 'supertest';
import {
  SESSION_REGISTRY_BACKEND,
  SESSION_STORE,
  SessionService,
  type SessionRegistryBackend,
} from 'nest-session-kit';
import {
  createTestApp,
  DEMO_EMAILS,
  redisEnv,
  REDIS_URL,
  signedCookie,
  storedIdOf,
  STORES,
  type TestApp,
} from './support/app-factory';
import { inspectRedis, logIn, type LoggedIn } from './support/redis-inspect';
import type { SampleEnv } from '../apps/sample/src/app.module';
import { createLibraryApp } from './support/library-app';

const OLD_SECRET = 'the-secret-before-the-rotation-0123456789';
const NEW_SECRET = 'the-secret-after-the-rotation-01234567890';

function callback<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

/** Every key and value the app's backend holds, as text: what a copy of the store shows. */
async function dumpOf(app: TestApp, redis: RedisClientType | undefined): Promise<string[]> {
  if (!redis) {
    const store = app.app.get<symbol, Store>(SESSION_STORE);
    const all = await callback<Record<string, SessionData>>((cb) => store.all?.(cb as never));
    const registry = app.app.get<symbol, SessionRegistryBackend>(SESSION_REGISTRY_BACKEND);
    const entries = await Promise.all(
      Object.values(DEMO_EMAILS).map((email) => registry.entries(`u-${email.split('@')[0]}`)),
    );
    return [...Object.keys(all), JSON.stringify(all), JSON.stringify(entries)];
  }
  const prefix = app.env.SESSION_PREFIX as string;
  const texts: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `*${prefix}*`, COUNT: 1000 })) {
    for (const key of keys) {
      texts.push(key);
      const type = await redis.type(key);
      if (type === 'string') texts.push(String(await redis.get(key)));
      if (type === 'hash') texts.push(JSON.stringify(await redis.hGetAll(key)));
      if (type === 'zset') texts.push(JSON.stringify(await redis.zRange(key, 0, -1)));
      if (type === 'set') texts.push(JSON.stringify(await redis.sMembers(key)));
      if (type === 'list') texts.push(JSON.stringify(await redis.lRange(key, 0, -1)));
    }
  }
  return texts;
}

/** The ids the store keys sessions on, from its own listing. */
async function storedIds(app: TestApp): Promise<string[]> {
  const store = app.app.get<symbol, Store>(SESSION_STORE);
  const all = await callback<Record<string, SessionData> | SessionData[]>((cb) =>
    store.all?.(cb as never),
  );
  if (!Array.isArray(all)) return Object.keys(all);
  const prefix = app.env.SESSION_PREFIX as string;
  const redis = await inspectRedis(REDIS_URL);
  try {
    const ids: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      ids.push(...keys.map((key) => key.slice(prefix.length)));
    }
    return ids;
  } finally {
    await redis.close();
  }
}

describe.each(STORES)('session ids at rest on the %s', (name, env) => {
  let app: TestApp;
  let redis: RedisClientType | undefined;

  beforeAll(async () => {
    app = await createTestApp(env());
    if (name.startsWith('Redis')) redis = await inspectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await app.close();
    await redis?.close();
  });

  it('no key or value in the store holds a session id, and no stored id replays as a cookie', async () => {
    const user: LoggedIn = await logIn(app, DEMO_EMAILS.user);
    const agent = app.agent();
    await agent
      .post('/cart/items')
      .set('Cookie', user.cookie)
      .set('x-csrf-token', user.csrfToken)
      .send({ productId: 'mouse', quantity: 1 })
      .expect(201);
    await agent.get('/products').set('Cookie', user.cookie).expect(200);
    const visitor = await app.agent().get('/auth/csrf').expect(200);
    const visitorCookie = (visitor.headers['set-cookie'] as unknown as string[])[0];
    const visitorSid = decodeURIComponent(/^sid=s%3A([^.;]+)\./.exec(visitorCookie)?.[1] ?? '');
    expect(visitorSid).not.toBe('');

    const dump = (await dumpOf(app, redis)).join('\n');
    expect(dump).toContain(storedIdOf(user.sid));
    expect(dump).not.toContain(user.sid);
    expect(dump).not.toContain(visitorSid);

    const ids = await storedIds(app);
    expect(ids).toEqual(expect.arrayContaining([storedIdOf(user.sid), storedIdOf(visitorSid)]));
    for (const id of ids) {
      const res = await app.agent().get('/auth/me').set('Cookie', signedCookie(id));
      expect(res.status).toBe(401);
    }
    await app.agent().get('/auth/me').set('Cookie', user.cookie).expect(200);
  });
});

describe('session ids at rest across deployments on one Redis', () => {
  let redis: RedisClientType;
  const apps: TestApp[] = [];
  const start = async (env: SampleEnv) => {
    const app = await createTestApp(env);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    redis = await inspectRedis(REDIS_URL);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(() => redis.close());

  it('with SESSION_HASH_IDS=false keys on the raw id, which connect-redis reads', async () => {
    const env = redisEnv({ SESSION_HASH_IDS: 'false' });
    const app = await start(env);
    const { sid, user } = await logIn(app);
    const prefix = env.SESSION_PREFIX as string;
    expect(await redis.exists(prefix + sid)).toBe(1);
    const connectRedis = new RedisStore({ client: redis, prefix });
    const session = await callback<SessionData | null>((cb) => connectRedis.get(sid, cb));
    expect((session as unknown as { user: unknown }).user).toEqual(user);
  });

  it('re-keys a raw-keyed session the first time it is read, and the registry follows it', async () => {
    const env = redisEnv();
    const prefix = env.SESSION_PREFIX as string;
    const raw = await start({ ...env, SESSION_HASH_IDS: 'false' });
    const { sid, cookie } = await logIn(raw);
    await raw.close();
    apps.length = 0;

    const hashed = await start(env);
    await hashed.agent().get('/auth/me').set('Cookie', cookie).expect(200);
    expect(await redis.exists(prefix + sid)).toBe(0);
    expect(await redis.exists(prefix + storedIdOf(sid))).toBe(1);
    const sessions = await hashed.agent().get('/auth/sessions').set('Cookie', cookie).expect(200);
    expect(sessions.body.sessions).toEqual([expect.objectContaining({ current: true })]);
    const index = JSON.stringify(await dumpOf(hashed, redis));
    expect(index).not.toContain(sid);
  });

  it('keeps every session through a secret rotation, and moves it to the new key', async () => {
    const env = redisEnv();
    const prefix = env.SESSION_PREFIX as string;
    const before = await start({ ...env, SESSION_SECRET: OLD_SECRET });
    const logins = [await logIn(before), await logIn(before, DEMO_EMAILS.alice)];
    await before.close();
    apps.length = 0;

    const rotated = await start({ ...env, SESSION_SECRET: `${NEW_SECRET},${OLD_SECRET}` });
    for (const { sid, cookie, user } of logins) {
      const me = await rotated.agent().get('/auth/me').set('Cookie', cookie).expect(200);
      expect(me.body.user).toEqual(user);
      expect(await redis.exists(prefix + storedIdOf(sid, [OLD_SECRET]))).toBe(0);
      expect(await redis.exists(prefix + storedIdOf(sid, [NEW_SECRET]))).toBe(1);
      const listed = await rotated.agent().get('/auth/sessions').set('Cookie', cookie).expect(200);
      expect(listed.body.sessions).toEqual([expect.objectContaining({ current: true })]);
    }
    const { cookie, csrfToken } = logins[0];
    await rotated
      .agent()
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set('x-csrf-token', csrfToken)
      .expect(204);
    await rotated.agent().get('/auth/me').set('Cookie', cookie).expect(401);
  });
});

@Controller()
class LoginController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Req() req: Request) {
    await this.sessions.login(req, { id: 'u-1', roles: ['user'] });
    return { sid: req.sessionID };
  }

  @Get('me')
  me(@Req() req: Request) {
    return { user: req.session.user ?? null };
  }
}

describe('session ids at rest on a store of the user own (express-session MemoryStore)', () => {
  let app: INestApplication;
  const store = new MemoryStore();

  beforeAll(async () => {
    app = await createLibraryApp({ store }, [LoginController]);
  });
  afterAll(() => app.close());

  it('keys the store on the hash of the id, and reads the session back', async () => {
    const agent = request.agent(app.getHttpServer());
    const { sid } = (await agent.post('/login').expect(201)).body as { sid: string };
    const keys = Object.keys((store as unknown as { sessions: object }).sessions);
    expect(keys).toEqual([storedIdOf(sid)]);
    expect((await agent.get('/me').expect(200)).body.user).toMatchObject({ id: 'u-1' });
  });
});
