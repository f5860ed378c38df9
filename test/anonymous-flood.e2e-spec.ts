import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from 'express-session';
import { SESSION_STORE } from 'nest-session-kit';
import { createTestApp, signIn, STORES, type TestApp } from './support/app-factory';

/** The GET pages of the sample that a visitor without a session can see. */
const PAGES = ['/products', '/cart', '/preferences', '/history', '/posts/p1', '/health', '/docs'];

function storedSessions(app: TestApp): Promise<number> {
  const store = app.app.get<symbol, Store>(SESSION_STORE);
  return new Promise((resolve, reject) =>
    store.length?.((err, length) => (err ? reject(err) : resolve(length ?? 0))),
  );
}

function cookielessGet(agent: Agent, url: string) {
  return new Promise<{ status: number; setCookie: boolean }>((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          setCookie: res.headers['set-cookie'] !== undefined,
        }),
      );
    }).on('error', reject);
  });
}

describe.each(STORES)('visitors without a session on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  it('can visit every page without a session being stored or a cookie set', async () => {
    const before = await storedSessions(app);
    for (const page of PAGES) {
      for (let i = 0; i < 5; i++) {
        const res = await app.agent().get(page);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    }
    expect(await storedSessions(app)).toBe(before);
  });

  it('gets a page history once something started a session', async () => {
    const agent = app.agent();
    await agent.get('/products').expect(200);
    expect((await agent.get('/history').expect(200)).body).toEqual({ pages: [] });
    await agent.get('/auth/csrf').expect(200);
    await agent.get('/products').expect(200);
    await agent.get('/cart').expect(200);
    expect((await agent.get('/history').expect(200)).body).toEqual({
      pages: ['/cart', '/products'],
    });
  });
});

describe('a flood of cookie-less GET /auth/csrf on the memory store (10,000 sessions)', () => {
  const FLOOD = 20_000;
  const PARALLEL = 32;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it(`keeps a signed-in user signed in through ${FLOOD} new anonymous sessions`, async () => {
    const user = await signIn(app, 'user@example.com');
    await user.agent.get('/auth/me').expect(200);
    const started = performance.now();
    let sent = 0;
    let withCookie = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
    const worker = async () => {
      while (sent < FLOOD) {
        sent++;
        const { status, setCookie } = await cookielessGet(agent, `${base}/auth/csrf`);
        if (status !== 200) throw new Error(`GET /auth/csrf answered ${status}`);
        if (setCookie) withCookie++;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    agent.destroy();
    const seconds = (performance.now() - started) / 1000;
    const stored = await storedSessions(app);

    const me = await user.agent.get('/auth/me');
    process.stdout.write(
      `flood: ${FLOOD} cookie-less GET /auth/csrf (${withCookie} new sessions) in ` +
        `${seconds.toFixed(2)} s (${Math.round(FLOOD / seconds)}/s), ${stored} sessions stored ` +
        `after it; the signed-in user's GET /auth/me: ${me.status}\n`,
    );
    expect(withCookie).toBe(FLOOD);
    expect(stored).toBe(10_000);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'user@example.com' });
  }, 600_000);
});
