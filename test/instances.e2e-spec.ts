import { randomUUID } from 'node:crypto';
import { REDIS_URL, TEST_SECRET, testDatabaseUrl } from './support/app-factory';
import { HttpSession } from './support/http-session';
import { PrivateRedisCluster } from './support/redis-cluster';
import { startSamples, stopSamples, type SampleInstance } from './support/sample-instances';

const MAX_PER_USER = 3;
const PARALLEL_LOGINS = 20;

interface StoreUnderTest {
  start(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

const standalone: StoreUnderTest = {
  start: async () => ({ REDIS_URL }),
  stop: async () => undefined,
};

function clusterStore(): StoreUnderTest {
  const cluster = new PrivateRedisCluster();
  return {
    start: async () => {
      await cluster.start();
      return { REDIS_CLUSTER_NODES: cluster.seedList };
    },
    stop: () => cluster.stop(),
  };
}

/** The run's PostgreSQL database, in a schema of the three instances' own. */
const postgres: StoreUnderTest = {
  start: async () => ({
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_SCHEMA: `instances_${randomUUID().replace(/-/g, '')}`,
  }),
  stop: async () => undefined,
};

const STORES: [string, () => StoreUnderTest][] = [
  ['standalone Redis', () => standalone],
  ['a three-master Redis Cluster', clusterStore],
  ['PostgreSQL', () => postgres],
];

describe.each(STORES)('three sample processes on %s', (_name, makeStore) => {
  const store = makeStore();
  let instances: SampleInstance[] = [];
  let first: string, second: string, third: string;

  beforeAll(async () => {
    const storeEnv = await store.start();
    instances = await startSamples(3, {
      ...storeEnv,
      SESSION_SECRET: TEST_SECRET,
      SESSION_PREFIX: `test:${randomUUID()}:sess:`,
      SESSION_MAX_PER_USER: String(MAX_PER_USER),
      // Parallel logins of one account each count as an attempt until their password is checked.
      LOGIN_MAX_ATTEMPTS: '1000',
    });
    [first, second, third] = instances.map((instance) => instance.url);
  }, 180_000);

  afterAll(async () => {
    try {
      await stopSamples(instances);
    } finally {
      await store.stop();
    }
  }, 30_000);

  /** The status of GET /auth/me for the same cookie on each instance at once. */
  async function meOnEvery(session: HttpSession): Promise<number[]> {
    return Promise.all(
      instances.map(async ({ url }) => (await session.clone().send(url, 'GET', '/auth/me')).status),
    );
  }

  async function signedIn(url: string, email: string): Promise<HttpSession> {
    const session = new HttpSession();
    expect((await session.logIn(url, email)).status).toBe(200);
    return session;
  }

  it('a login on the first is read and written on the second, and the writes show on the third', async () => {
    const laptop = await signedIn(first, 'alice@example.com');

    const me = await laptop.send(second, 'GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('alice@example.com');

    const { products } = (await laptop.send(first, 'GET', '/products')).body;
    const productId = products[0].id as string;
    const added = await laptop.send(second, 'POST', '/cart/items', { productId, quantity: 2 });
    expect(added.status).toBe(201);
    const prefs = await laptop.send(second, 'PUT', '/preferences', { theme: 'dark' });
    expect(prefs.status).toBe(200);

    const cart = await laptop.send(third, 'GET', '/cart');
    expect(cart.status).toBe(200);
    expect(cart.body.items).toEqual([expect.objectContaining({ productId, quantity: 2 })]);
    const seen = await laptop.send(first, 'GET', '/preferences');
    expect(seen.body).toMatchObject({ theme: 'dark' });
  });

  it('a revocation on the third ends the session on every instance at the next request', async () => {
    const laptop = await signedIn(first, 'bob@example.com');
    expect((await laptop.send(second, 'PUT', '/preferences', { language: 'fr' })).status).toBe(200);
    const phone = await signedIn(third, 'bob@example.com');
    const listed = await phone.send(third, 'GET', '/auth/sessions');
    expect(listed.body.sessions).toHaveLength(2);
    const laptopHandle = listed.body.sessions.find((s: { current: boolean }) => !s.current).id;
    expect(await meOnEvery(laptop)).toEqual([200, 200, 200]);

    const revoked = await phone.send(third, 'DELETE', `/auth/sessions/${laptopHandle}`);
    expect(revoked.status).toBe(204);

    expect(await meOnEvery(laptop)).toEqual([401, 401, 401]);
    expect(await meOnEvery(phone)).toEqual([200, 200, 200]);
    const after = await phone.send(first, 'GET', '/auth/sessions');
    expect(after.body.sessions).toHaveLength(1);
  });

  it('a logout on one instance, and "revoke all others" on another, are seen on every instance', async () => {
    const tablet = await signedIn(second, 'moderator@example.com');
    const replay = tablet.clone();
    expect((await tablet.send(first, 'POST', '/auth/logout')).status).toBe(204);
    expect(await meOnEvery(replay)).toEqual([401, 401, 401]);

    const [a, b, c] = await Promise.all(
      [first, second, third].map((url) => signedIn(url, 'admin@example.com')),
    );
    expect((await c.send(third, 'DELETE', '/auth/sessions')).status).toBe(204);
    expect(await meOnEvery(a)).toEqual([401, 401, 401]);
    expect(await meOnEvery(b)).toEqual([401, 401, 401]);
    expect(await meOnEvery(c)).toEqual([200, 200, 200]);
  });

  it(`keeps the per-user limit (${MAX_PER_USER}) across instances under ${PARALLEL_LOGINS} parallel logins spread over the three`, async () => {
    const email = 'user@example.com';
    const sessions = Array.from({ length: PARALLEL_LOGINS }, () => new HttpSession());
    const answers = await Promise.all(
      sessions.map((session, i) => session.logIn(instances[i % 3].url, email)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(sessions.map(() => 200));

    const statuses = await Promise.all(sessions.map((session) => meOnEvery(session)));
    for (const perInstance of statuses) {
      // Alive or dead, a session is the same on every instance.
      expect(new Set(perInstance).size).toBe(1);
    }
    // Exactly the limit stays: every enforcer keeps the newest sessions it sees, and the last
    // one to look sees every login.
    const alive = sessions.filter((_, i) => statuses[i][0] === 200);
    expect(alive.length).toBe(MAX_PER_USER);
    expect(statuses.filter((perInstance) => perInstance[0] !== 200)).toEqual(
      Array.from({ length: PARALLEL_LOGINS - alive.length }, () => [401, 401, 401]),
    );

    for (const [i, session] of alive.entries()) {
      const listed = await session.send(instances[(i + 1) % 3].url, 'GET', '/auth/sessions');
      expect(listed.status).toBe(200);
      expect(listed.body.sessions.length).toBeLessThanOrEqual(MAX_PER_USER);
    }
  });
});
