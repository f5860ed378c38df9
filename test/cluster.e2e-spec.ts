import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
  type INestApplication,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Cookie, type SessionData } from 'express-session';
import { createCluster, type RedisClusterType } from 'redis';
import request from 'supertest';
import {
  SESSION_STORE,
  RedisSessionStore,
  SessionAnalytics,
  SessionHealthService,
  SessionRegistry,
  SessionService,
  type SessionModuleOptions,
} from 'nest-session-kit';
import { keysByMaster, PrivateRedisCluster } from './support/redis-cluster';
import { sleep } from './support/timing';
import { createLibraryApp } from './support/library-app';
import { storedIdOf } from './support/app-factory';
import { Gate } from './support/gate';

declare module 'express-session' {
  interface SessionData {
    clusterLeft?: string;
    clusterRight?: string;
    clusterNote?: string;
  }
}

/** Holds requests until `parties` of them have arrived, so that they overlap for sure. */
class Barrier {
  private arrived = 0;
  private release!: () => void;
  private readonly all = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly parties: number) {}
  arrive(): Promise<void> {
    if (++this.arrived >= this.parties) this.release();
    return this.all;
  }
}

let barrier: Barrier | undefined;
let gate = new Gate();

@Controller()
class ClusterController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:userId')
  @HttpCode(200)
  async login(@Req() req: Request, @Param('userId') userId: string) {
    await this.sessions.login(req, { id: userId, email: `${userId}@example.com`, roles: ['user'] });
    return { sid: req.sessionID, handle: req.session.auth?.handle };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }

  @Get('me')
  me(@Req() req: Request) {
    const { user, clusterLeft, clusterRight, clusterNote } = req.session;
    return {
      user: user ?? null,
      left: clusterLeft ?? null,
      right: clusterRight ?? null,
      note: clusterNote ?? null,
    };
  }

  @Put('marks/:side/:value')
  async mark(@Req() req: Request, @Param('side') side: string, @Param('value') value: string) {
    await barrier?.arrive();
    if (side === 'left') req.session.clusterLeft = value;
    else req.session.clusterRight = value;
    return { ok: true };
  }

  @Get('slow-write')
  async slowWrite(@Req() req: Request) {
    gate.entered = true;
    await gate.opened;
    req.session.clusterNote = 'written after the revocation';
    return { ok: true };
  }
}

interface Login {
  agent: request.Agent;
  userId: string;
  sid: string;
  handle: string;
}

const redisCluster = new PrivateRedisCluster();
let cluster: RedisClusterType;

beforeAll(async () => {
  await redisCluster.start();
  cluster = createCluster({
    rootNodes: [redisCluster.rootNodes[0]],
    defaults: { socket: { connectTimeout: 5000 } },
  });
  cluster.on('error', () => undefined);
  await cluster.connect();
}, 60_000);

afterAll(async () => {
  try {
    await cluster?.close();
  } finally {
    await redisCluster.stop();
  }
}, 30_000);

async function createApp(
  prefix: string,
  extra: Partial<SessionModuleOptions> = {},
): Promise<INestApplication> {
  return createLibraryApp({ store: { type: 'redis', client: cluster, prefix }, ...extra }, [
    ClusterController,
  ]);
}

const newPrefix = () => `test:cluster:${randomUUID()}:`;
const userIds = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${label}-${i}`);

function serverOf(app: INestApplication): Server {
  return app.getHttpServer() as Server;
}

async function logIn(
  app: INestApplication,
  userId: string,
  agent = request.agent(serverOf(app)),
  headers: Record<string, string> = {},
): Promise<Login> {
  const res = await agent
    .post(`/login/${encodeURIComponent(userId)}`)
    .set(headers)
    .expect(200);
  const body = res.body as { sid: string; handle: string };
  expect(body.sid).toEqual(expect.any(String));
  expect(body.handle).toEqual(expect.any(String));
  return { agent, userId, sid: body.sid, handle: body.handle };
}

async function whoIs(agent: request.Agent): Promise<string | null> {
  const res = await agent.get('/me').expect(200);
  return (res.body as { user: { id: string } | null }).user?.id ?? null;
}

/** How many of `keys` (full names, all starting with `prefix`) each master holds. */
async function spread(prefix: string, keys: string[]): Promise<number[]> {
  const wanted = new Set(keys);
  const perMaster = await keysByMaster(cluster, `${prefix}*`);
  return perMaster.map((found) => found.filter((key) => wanted.has(key)).length);
}

function callback<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

describe('the test cluster', () => {
  it('has three masters that each own slots', async () => {
    expect(cluster.masters).toHaveLength(3);
    const infos = await Promise.all(
      cluster.masters.map(async (master) => (await cluster.nodeClient(master)).clusterInfo()),
    );
    for (const info of infos) expect(String(info)).toContain('cluster_state:ok');
  });
});

describe('sessions on a Redis Cluster', () => {
  const prefix = newPrefix();
  let app: INestApplication;
  let registry: SessionRegistry;

  beforeAll(async () => {
    app = await createApp(prefix, { maxSessionsPerUser: 3 });
    registry = app.get(SessionRegistry);
  });
  afterAll(() => app.close());

  it('reports the store up (a PING on every master)', async () => {
    await expect(app.get(SessionHealthService).check()).resolves.toEqual({ status: 'up' });
  });

  it('logs in many users, and a read sees each session; sessions sit on every master', async () => {
    const logins: Login[] = [];
    for (const userId of userIds('reader', 24)) logins.push(await logIn(app, userId));
    for (const login of logins) {
      const res = await login.agent.get('/me').expect(200);
      expect(res.body).toEqual({
        user: { id: login.userId, email: `${login.userId}@example.com`, roles: ['user'] },
        left: null,
        right: null,
        note: null,
      });
    }
    const sessions = await spread(
      prefix,
      logins.map((login) => prefix + storedIdOf(login.sid)),
    );
    expect(sessions.reduce((a, b) => a + b, 0)).toBe(logins.length);
    for (const count of sessions) expect(count).toBeGreaterThan(0);
    const indexes = await spread(
      `nsk:${prefix}`,
      logins.map((login) => `nsk:${prefix}user:{${login.userId}}`),
    );
    expect(indexes.reduce((a, b) => a + b, 0)).toBe(logins.length);
    for (const count of indexes) expect(count).toBeGreaterThan(0);
  });

  it('merges two overlapping writes that change different keys, on sessions across masters', async () => {
    const lost: string[] = [];
    for (const userId of userIds('writer', 12)) {
      const { agent } = await logIn(app, userId);
      barrier = new Barrier(2);
      const answers = await Promise.all([
        agent.put(`/marks/left/L-${userId}`),
        agent.put(`/marks/right/R-${userId}`),
      ]);
      barrier = undefined;
      expect(answers.map((res) => res.status)).toEqual([200, 200]);
      const { body } = await agent.get('/me').expect(200);
      if (body.left !== `L-${userId}` || body.right !== `R-${userId}` || body.user?.id !== userId) {
        lost.push(userId);
      }
    }
    expect(lost).toEqual([]);
  });

  it('lists and revokes one session of a user', async () => {
    for (const userId of userIds('revoke-one', 6)) {
      const first = await logIn(app, userId);
      const second = await logIn(app, userId);
      const listed = await registry.listSessions(userId, second.handle);
      expect(listed.map((info) => [info.id, info.current]).sort()).toEqual(
        [
          [first.handle, false],
          [second.handle, true],
        ].sort(),
      );
      await expect(registry.revokeSession(userId, first.handle)).resolves.toBe(true);
      await expect(registry.revokeSession(userId, first.handle)).resolves.toBe(false);
      expect(await whoIs(first.agent)).toBeNull();
      expect(await whoIs(second.agent)).toBe(userId);
      expect((await registry.listSessions(userId)).map((info) => info.id)).toEqual([second.handle]);
    }
  });

  it('revokes the other sessions of a user and keeps the current one', async () => {
    for (const userId of userIds('revoke-others', 6)) {
      const logins = [await logIn(app, userId), await logIn(app, userId), await logIn(app, userId)];
      await expect(registry.revokeOtherSessions(userId, logins[1].handle)).resolves.toBe(2);
      expect(await Promise.all(logins.map((login) => whoIs(login.agent)))).toEqual([
        null,
        userId,
        null,
      ]);
      expect((await registry.listSessions(userId)).map((info) => info.id)).toEqual([
        logins[1].handle,
      ]);
    }
  });

  it('updates the principal of every session of a user', async () => {
    for (const userId of userIds('promoted', 6)) {
      const logins = [await logIn(app, userId), await logIn(app, userId)];
      const other = await logIn(app, `${userId}-bystander`);
      const updated = await registry.updateUser(userId, (user) => ({
        ...user,
        roles: [...user.roles, 'admin'],
      }));
      expect(updated).toBe(2);
      for (const login of logins) {
        const { body } = await login.agent.get('/me').expect(200);
        expect(body.user).toEqual({
          id: userId,
          email: `${userId}@example.com`,
          roles: ['user', 'admin'],
        });
      }
      const { body } = await other.agent.get('/me').expect(200);
      expect(body.user.roles).toEqual(['user']);
    }
  });

  it('evicts the oldest session past maxSessionsPerUser', async () => {
    for (const userId of userIds('evicted', 6)) {
      const logins: Login[] = [];
      for (let i = 0; i < 4; i++) {
        logins.push(await logIn(app, userId));
        await sleep(2);
      }
      expect(await Promise.all(logins.map((login) => whoIs(login.agent)))).toEqual([
        null,
        userId,
        userId,
        userId,
      ]);
      const listed = (await registry.listSessions(userId)).map((info) => info.id).sort();
      expect(listed).toEqual(
        logins
          .slice(1)
          .map((login) => login.handle)
          .sort(),
      );
    }
  });

  it('logs out: the session is gone from the store and the index', async () => {
    for (const userId of userIds('leaver', 9)) {
      const login = await logIn(app, userId);
      await login.agent.post('/logout').expect(204);
      expect(await whoIs(login.agent)).toBeNull();
      expect(await registry.listSessions(userId)).toEqual([]);
      const stored = await cluster.get(prefix + storedIdOf(login.sid));
      expect(stored).toBeNull();
    }
  });

  it('a write in flight during a revocation does not resurrect the session', async () => {
    for (const userId of userIds('in-flight', 6)) {
      const login = await logIn(app, userId);
      gate = new Gate();
      const inFlight = login.agent.get('/slow-write').then((res) => res.status);
      while (!gate.entered) await sleep(5);
      await expect(registry.revokeSession(userId, login.handle)).resolves.toBe(true);
      gate.open();
      expect(await inFlight).toBe(200);
      await login.agent.get('/me').expect(200, { user: null, left: null, right: null, note: null });
      expect(await cluster.get(prefix + storedIdOf(login.sid))).toBeNull();
      expect(await registry.listSessions(userId)).toEqual([]);
    }
  });
});

describe('session analytics on a Redis Cluster', () => {
  const prefix = newPrefix();
  let app: INestApplication;

  // CF-IPCountry is read only from a trusted proxy: the test stands behind one.
  beforeAll(async () => {
    app = await createApp(prefix, { trustProxy: 1 });
  });
  afterAll(() => app.close());

  it('counts logins, users, countries, ended and active sessions', async () => {
    const countries = ['FR', 'DE', 'GB', 'FR', 'US', 'JP'];
    const logins: Login[] = [];
    for (const [i, userId] of userIds('counted', 6).entries()) {
      logins.push(
        await logIn(app, userId, request.agent(serverOf(app)), {
          'CF-IPCountry': countries[i],
        }),
      );
    }
    logins.push(await logIn(app, 'counted-0'));
    await logins[1].agent.post('/logout').expect(204);
    await logins[2].agent.post('/logout').expect(204);

    const stats = await app.get(SessionAnalytics).getStats();
    expect(stats.activeSessions).toBe(5);
    expect(stats.daily).toHaveLength(7);
    expect(stats.totals).toEqual({
      activeUsers: 6,
      sessionsStarted: 7,
      logins: 7,
      sessionDurations: { '0-1m': 2, '1-5m': 0, '5-15m': 0, '15-30m': 0, '30-60m': 0, '60m+': 0 },
      countries: { FR: 2, DE: 1, GB: 1, US: 1, JP: 1, unknown: 1 },
    });
    // No hot slot: a day's figures sit under a hash tag each, spread over the masters.
    const analyticsKeys = await keysByMaster(cluster, `nsk:${prefix}analytics:*`);
    expect(analyticsKeys.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
  });
});

describe('bulk maintenance of sessions saved through the store API, on a Redis Cluster', () => {
  const prefix = newPrefix();
  let app: INestApplication;
  let store: RedisSessionStore;
  const sids = Array.from({ length: 30 }, () => randomUUID());

  beforeAll(async () => {
    app = await createApp(prefix);
    store = app.get<symbol, RedisSessionStore>(SESSION_STORE);
    for (const [i, sid] of sids.entries()) {
      const session: SessionData = { cookie: new Cookie(), clusterNote: `note-${i}` };
      await callback<void>((cb) => store.set(sid, session, cb));
    }
    const sessions = await spread(
      prefix,
      sids.map((sid) => prefix + storedIdOf(sid)),
    );
    for (const count of sessions) expect(count).toBeGreaterThan(0);
  });
  afterAll(() => app.close());

  it('length(), ids() and all() see the sessions of every master', async () => {
    await expect(callback<number>((cb) => store.length(cb))).resolves.toBe(sids.length);
    const ids = await callback<string[]>((cb) => store.ids(cb));
    expect([...ids].sort()).toEqual(sids.map((sid) => storedIdOf(sid)).sort());
    const all = await callback<SessionData[] | Record<string, SessionData> | null>((cb) =>
      store.all(cb),
    );
    const sessions = Array.isArray(all) ? all : Object.values(all ?? {});
    expect(sessions.map((session) => session.clusterNote).sort()).toEqual(
      sids.map((_, i) => `note-${i}`).sort(),
    );
  });

  it('clear() removes the sessions of every master', async () => {
    await callback<void>((cb) => store.clear(cb));
    await expect(callback<number>((cb) => store.length(cb))).resolves.toBe(0);
    expect((await keysByMaster(cluster, `${prefix}*`)).flat()).toEqual([]);
  });
});

describe('bulk maintenance after logins on a Redis Cluster (connect-redis walks every master)', () => {
  const prefix = newPrefix();
  let app: INestApplication;
  let store: RedisSessionStore;
  const logins: Login[] = [];

  beforeAll(async () => {
    app = await createApp(prefix);
    store = app.get<symbol, RedisSessionStore>(SESSION_STORE);
    expect(store).toBeInstanceOf(RedisSessionStore);
    for (const userId of userIds('bulk', 30)) logins.push(await logIn(app, userId));
    const sessions = await spread(
      prefix,
      logins.map((login) => prefix + storedIdOf(login.sid)),
    );
    for (const count of sessions) expect(count).toBeGreaterThan(0);
  });
  afterAll(() => app.close());

  it('length() counts the sessions on every master', async () => {
    const length = await callback<number>((cb) => store.length(cb));
    expect(length).toBe(logins.length);
  });

  it('ids() lists the session ids on every master', async () => {
    const ids = await callback<string[]>((cb) => store.ids(cb));
    expect([...ids].sort()).toEqual(logins.map((login) => storedIdOf(login.sid)).sort());
  });

  it('all() returns the sessions on every master', async () => {
    const all = await callback<SessionData[] | Record<string, SessionData> | null>((cb) =>
      store.all(cb),
    );
    const sessions = Array.isArray(all) ? all : Object.values(all ?? {});
    expect(sessions.map((session) => session.user?.id).sort()).toEqual(
      logins.map((login) => login.userId).sort(),
    );
  });
});
