import type { Request } from 'express';
import { createClient } from 'redis';
import { SessionAnalytics, SessionEvents } from 'nest-session-kit';
import {
  createTestApp,
  PASSWORDS,
  REDIS_URL,
  redisEnv,
  sessionIdFrom,
  signIn,
  STORES,
  type TestApp,
} from './support/app-factory';
import type { Visitor } from './support/visitor';

const HOUR = 3_600_000;
const today = () => new Date().toISOString().slice(0, 10);
const NO_DURATIONS = { '0-1m': 0, '1-5m': 0, '5-15m': 0, '15-30m': 0, '30-60m': 0, '60m+': 0 };

/** Signs in from a new agent (no session yet, so no CSRF token needed), with extra headers. */
async function logIn(
  app: TestApp,
  email: string,
  headers: Record<string, string> = {},
): Promise<Visitor & { sessionId: string }> {
  const agent = app.agent();
  const res = await agent
    .post('/auth/login')
    .set(headers)
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  const sessionId = sessionIdFrom(res.headers['set-cookie'] as unknown as string[]) as string;
  return { agent, csrfToken: res.body.csrfToken as string, sessionId };
}

function logOut({ agent, csrfToken }: Visitor) {
  return agent.post('/auth/logout').set('x-csrf-token', csrfToken).expect(204);
}

describe.each(STORES)('session analytics on the %s', (_name, env) => {
  let app: TestApp;
  let admin: Visitor;
  let user: Visitor;
  let userAgain: Visitor;

  // CF-IPCountry is read only from a trusted proxy: the tests stand behind one.
  beforeAll(async () => {
    app = await createTestApp({ ...env(), TRUST_PROXY: '1' });
  });
  afterAll(() => app.close());

  async function stats(days?: number) {
    const query = days === undefined ? '' : `?days=${days}`;
    return (await admin.agent.get(`/admin/stats${query}`).expect(200)).body;
  }

  it('reports the figures of a known sequence of logins and logouts', async () => {
    user = await logIn(app, 'user@example.com', { 'CF-IPCountry': 'fr' });
    const alice = await logIn(app, 'alice@example.com', { 'CF-IPCountry': 'DE' });
    const bob = await logIn(app, 'bob@example.com');
    userAgain = await logIn(app, 'user@example.com', { 'CF-IPCountry': 'XX' });
    await logOut(alice);
    await logOut(bob);
    admin = await logIn(app, 'admin@example.com', { 'CF-IPCountry': 'GB' });

    const body = await stats();
    const figures = {
      activeUsers: 4,
      sessionsStarted: 5,
      logins: 5,
      sessionDurations: { ...NO_DURATIONS, '0-1m': 2 },
      countries: { FR: 1, DE: 1, unknown: 2, GB: 1 },
    };
    expect(body.activeSessions).toBe(3);
    expect(body.to).toBe(today());
    expect(body.totals).toEqual(figures);
    expect(body.daily).toHaveLength(7);
    expect(body.daily[6]).toEqual({ date: today(), ...figures });
    expect(body.from).toBe(body.daily[0].date);
    for (const day of body.daily.slice(0, 6)) {
      expect(day).toEqual({
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        activeUsers: 0,
        sessionsStarted: 0,
        logins: 0,
        sessionDurations: NO_DURATIONS,
        countries: {},
      });
    }
  });

  it("counts a user's live sessions from the registry", async () => {
    const analytics = app.app.get(SessionAnalytics);
    expect(await analytics.activeSessionsOf('u-user')).toBe(2);
    expect(await analytics.activeSessionsOf('u-alice')).toBe(0);
  });

  it('changes nothing by reading: the same figures again, for the days asked', async () => {
    const one = await stats(1);
    expect(one.daily).toHaveLength(1);
    expect(one.from).toBe(today());
    expect(one.totals.sessionsStarted).toBe(5);
    expect((await stats(30)).daily).toHaveLength(30);
  });

  it('counts sessions no longer active once they end', async () => {
    await logOut(user);
    await logOut(userAgain);
    const body = await stats();
    expect(body.activeSessions).toBe(1);
    expect(body.totals.sessionDurations['0-1m']).toBe(4);
    expect(body.totals.activeUsers).toBe(4);
  });

  it('buckets session lengths and counts activity reported by the session events', async () => {
    const events = app.app.get(SessionEvents);
    const createdAt = Date.now() - 2 * HOUR;
    const principal = { id: 'u-bob', roles: ['user'] };
    const auth = {
      createdAt,
      authenticatedAt: createdAt,
      lastActivityAt: createdAt,
      rotatedAt: createdAt,
    };
    await events.emit('activity', {
      request: {} as Request,
      user: principal,
      auth,
      at: Date.now(),
    });
    expect((await stats()).activeSessions).toBe(2);
    await events.emit('end', {
      userId: 'u-bob',
      createdAt,
      endedAt: Date.now(),
      reason: 'timeout',
    });
    const body = await stats();
    expect(body.activeSessions).toBe(1);
    expect(body.totals.sessionDurations['60m+']).toBe(1);
    expect(body.totals.activeUsers).toBe(4);
  });

  it('answers 401 AUTH_REQUIRED when not signed in', async () => {
    const res = await app.agent().get('/admin/stats').expect(401);
    expect(res.body.code).toBe('AUTH_REQUIRED');
  });

  it.each(['user@example.com', 'moderator@example.com'])(
    'answers 403 INSUFFICIENT_PERMISSIONS to %s',
    async (email) => {
      const { agent, user: who } = await signIn(app, email);
      const res = await agent.get('/admin/stats').expect(403);
      expect(res.body).toEqual({
        statusCode: 403,
        code: 'INSUFFICIENT_PERMISSIONS',
        message: expect.any(String),
        requiredRoles: ['admin'],
        userRoles: who.roles,
      });
    },
  );

  it('lets a superadmin read the figures', async () => {
    const { agent } = await signIn(app, 'superadmin@example.com');
    await agent.get('/admin/stats?days=3').expect(200);
  });

  it.each(['days=0', 'days=31', 'days=abc', 'days=1.5', 'days=', 'weeks=1'])(
    'answers 400 VALIDATION_FAILED to ?%s',
    async (query) => {
      const res = await admin.agent.get(`/admin/stats?${query}`).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    },
  );
});

describe('session analytics in Redis', () => {
  const env = redisEnv({ TRUST_PROXY: '1' });
  const prefix = env.SESSION_PREFIX as string;
  let app: TestApp;
  const redis = createClient({ url: REDIS_URL });

  beforeAll(async () => {
    app = await createTestApp(env);
    await redis.connect();
  });
  afterAll(async () => {
    await app.close();
    redis.destroy();
  });

  it('writes only expiring keys under the store prefix, a hash tag per day and figure, with no session id', async () => {
    const first = await logIn(app, 'user@example.com', { 'CF-IPCountry': 'NL' });
    const second = await logIn(app, 'alice@example.com');
    await logOut(second);

    const base = `nsk:${prefix}analytics:`;
    const keys = (await redis.keys(`${base}*`)).sort();
    const day = today();
    const activeKeys = keys.filter((key) => /\{active:[0-7]\}$/.test(key));
    expect(activeKeys).toHaveLength(1);
    expect(keys.filter((key) => !activeKeys.includes(key))).toEqual(
      [
        `{${day}:countries}`,
        `{${day}:durations}`,
        `{${day}:logins}`,
        `{${day}:started}`,
        `{users}:${day}`,
      ]
        .map((name) => `${base}${name}`)
        .sort(),
    );
    const thirtyOneDays = 31 * 24 * 3600;
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(thirtyOneDays);
    }

    const usersKey = `${base}{users}:${day}`;
    expect(await redis.type(usersKey)).toBe('string');
    expect((await redis.get(usersKey))?.startsWith('HYLL')).toBe(true);
    expect(await redis.pfCount(usersKey)).toBe(2);

    const members = await redis.zRange(activeKeys[0], 0, -1);
    expect(members).toHaveLength(1);
    for (const sid of [first.sessionId, second.sessionId]) {
      expect(members.join()).not.toContain(sid);
    }
  });
});
