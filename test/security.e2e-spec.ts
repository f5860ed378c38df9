import {
  cookieOf,
  createTestApp,
  csrfTokenOf,
  PASSWORDS,
  sessionIdFrom,
  signIn,
  STORES,
  type TestApp,
} from './support/app-factory';
import { sleep } from './support/timing';

/**
 * By default a binding mismatch refuses the request and leaves the session to its owner
 * (SESSION_BINDING_MISMATCH=refuse); `end` also destroys it, as a timeout does. Each case: what
 * the owner's next request from the bound IP / user agent answers.
 */
const BINDING_MISMATCH_CASES: [string, string, number][] = [
  ['refuses the request and keeps the session', 'refuse', 200],
  ['ends the session with SESSION_BINDING_MISMATCH=end', 'end', 401],
];

describe.each(STORES)('session security on the %s', (_name, storeEnv) => {
  describe('with default settings', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(storeEnv());
    });
    afterAll(() => app.close());

    it('changes the session id at login and kills the pre-login id (fixation)', async () => {
      const agent = app.agent();
      const before = await agent.get('/auth/csrf').expect(200);
      const preLogin = cookieOf(before);
      const login = await agent
        .post('/auth/login')
        .set('x-csrf-token', before.body.csrfToken)
        .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
        .expect(200);
      expect(sessionIdFrom(login.headers['set-cookie'])).not.toBe(
        sessionIdFrom(before.headers['set-cookie']),
      );
      expect(login.body.csrfToken).not.toBe(before.body.csrfToken);
      await agent.get('/auth/me').expect(200);
      const replay = await app.agent().get('/auth/me').set('Cookie', preLogin).expect(401);
      expect(replay.body.code).toBe('AUTH_REQUIRED');
    });

    it('kills the session at logout: replaying the old cookie is anonymous', async () => {
      const agent = app.agent();
      const login = await agent
        .post('/auth/login')
        .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
        .expect(200);
      const cookie = cookieOf(login);
      await agent.post('/auth/logout').set('x-csrf-token', login.body.csrfToken).expect(204);
      await app.agent().get('/auth/me').set('Cookie', cookie).expect(401);
      await app
        .agent()
        .post('/auth/logout')
        .set('Cookie', cookie)
        .set('x-csrf-token', login.body.csrfToken)
        .expect(401);
    });

    it('refuses state-changing requests of a live session without its CSRF token', async () => {
      const { agent, csrfToken } = await signIn(app, 'bob@example.com');
      const missing = await agent.post('/auth/logout').expect(403);
      expect(missing.body).toEqual({
        statusCode: 403,
        code: 'CSRF_INVALID',
        message: expect.any(String),
      });
      await agent.post('/auth/logout').set('x-csrf-token', 'x'.repeat(43)).expect(403);
      await agent.post('/auth/logout').set('x-csrf-token', `${csrfToken}x`).expect(403);
      await agent.get('/auth/me').expect(200);
      await agent.post('/auth/logout').set('x-csrf-token', csrfToken).expect(204);
    });

    it('refuses a foreign Origin on state-changing requests, with or without a session', async () => {
      const anonymous = await app
        .agent()
        .post('/auth/login')
        .set('Origin', 'https://evil.example')
        .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
        .expect(403);
      expect(anonymous.body.code).toBe('CSRF_INVALID');
      const { agent, csrfToken } = await signIn(app, 'user@example.com');
      await agent
        .post('/auth/logout')
        .set('Origin', 'https://evil.example')
        .set('x-csrf-token', csrfToken)
        .expect(403);
      await agent.get('/auth/me').set('Origin', 'https://evil.example').expect(200);
    });

    it('keeps the CSRF token of a session stable until its id changes', async () => {
      const agent = app.agent();
      const first = await csrfTokenOf(agent);
      expect(await csrfTokenOf(agent)).toBe(first);
    });

    it('sends no-store on authenticated responses, and helmet headers, and no X-Powered-By', async () => {
      const { agent } = await signIn(app, 'user@example.com');
      const res = await agent.get('/auth/me').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('sends JSON responses the headers that concern JSON, and the docs page helmet’s defaults', async () => {
      const json = await app.agent().get('/products').expect(200);
      expect(json.headers).toMatchObject({
        'content-security-policy': "default-src 'none';frame-ancestors 'none'",
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'strict-transport-security': expect.stringContaining('max-age='),
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(json.headers['x-xss-protection']).toBeUndefined();
      const docs = await app.agent().get('/docs').expect(200);
      expect(docs.headers['content-type']).toMatch(/^text\/html/);
      expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
      expect(docs.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(docs.headers['x-xss-protection']).toBe('0');
    });
  });

  it('answers SESSION_TIMEOUT after the idle timeout, then the session is gone', async () => {
    const app = await createTestApp({ ...storeEnv(), SESSION_IDLE_TIMEOUT_MS: '1000' });
    try {
      const { agent } = await signIn(app, 'user@example.com');
      for (let i = 0; i < 3; i++) {
        await sleep(600);
        await agent.get('/auth/me').expect(200);
      }
      await sleep(1200);
      const timedOut = await agent.get('/auth/me').expect(401);
      expect(timedOut.body).toEqual({
        statusCode: 401,
        code: 'SESSION_TIMEOUT',
        message: expect.any(String),
      });
      const after = await agent.get('/auth/me').expect(401);
      expect(after.body.code).toBe('AUTH_REQUIRED');
    } finally {
      await app.close();
    }
  });

  it('answers SESSION_EXPIRED past the absolute lifetime, however active the session', async () => {
    const app = await createTestApp({
      ...storeEnv(),
      SESSION_ABSOLUTE_TIMEOUT_MS: '1500',
      SESSION_IDLE_TIMEOUT_MS: '60000',
    });
    try {
      const { agent } = await signIn(app, 'user@example.com');
      await sleep(700);
      await agent.get('/auth/me').expect(200);
      await sleep(1000);
      const expired = await agent.get('/auth/me').expect(401);
      expect(expired.body.code).toBe('SESSION_EXPIRED');
      expect((await agent.get('/auth/me').expect(401)).body.code).toBe('AUTH_REQUIRED');
    } finally {
      await app.close();
    }
  });

  it.each(BINDING_MISMATCH_CASES)(
    'binds the session to the client IP when asked (honouring trust proxy): %s',
    async (_case, mismatch, afterwards) => {
      const app = await createTestApp({
        ...storeEnv(),
        SESSION_BIND_IP: 'true',
        TRUST_PROXY: '1',
        ...(mismatch === 'end' ? { SESSION_BINDING_MISMATCH: 'end' } : {}),
      });
      try {
        const agent = app.agent();
        await agent
          .post('/auth/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
          .expect(200);
        await agent.get('/auth/me').set('X-Forwarded-For', '203.0.113.7').expect(200);
        const moved = await agent
          .get('/auth/me')
          .set('X-Forwarded-For', '198.51.100.9')
          .expect(401);
        expect(moved.body.code).toBe('IP_MISMATCH');
        // The stolen cookie cannot be used for anything that needs the session either.
        await agent.get('/auth/sessions').set('X-Forwarded-For', '198.51.100.9').expect(401);
        const back = await agent.get('/auth/me').set('X-Forwarded-For', '203.0.113.7');
        expect(back.status).toBe(afterwards);
        if (afterwards === 401) expect(back.body.code).toBe('AUTH_REQUIRED');
      } finally {
        await app.close();
      }
    },
  );

  it.each(BINDING_MISMATCH_CASES)(
    'binds the session to the user agent when asked: %s',
    async (_case, mismatch, afterwards) => {
      const app = await createTestApp({
        ...storeEnv(),
        SESSION_BIND_USER_AGENT: 'true',
        ...(mismatch === 'end' ? { SESSION_BINDING_MISMATCH: 'end' } : {}),
      });
      try {
        const agent = app.agent();
        await agent
          .post('/auth/login')
          .set('User-Agent', 'Browser/1.0')
          .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
          .expect(200);
        await agent.get('/auth/me').set('User-Agent', 'Browser/1.0').expect(200);
        const other = await agent.get('/auth/me').set('User-Agent', 'Other/2.0').expect(401);
        expect(other.body.code).toBe('USER_AGENT_MISMATCH');
        await agent.get('/auth/me').set('User-Agent', 'Browser/1.0').expect(afterwards);
      } finally {
        await app.close();
      }
    },
  );

  it('a refused mismatch runs as a new anonymous session: the presented one is not written', async () => {
    const app = await createTestApp({ ...storeEnv(), SESSION_BIND_USER_AGENT: 'true' });
    try {
      const owner = app.agent();
      const login = await owner
        .post('/auth/login')
        .set('User-Agent', 'Browser/1.0')
        .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
        .expect(200);
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const thief = await app
        .agent()
        .post('/cart/items')
        .set('Cookie', cookie)
        .set('User-Agent', 'Thief/1.0')
        .set('x-csrf-token', login.body.csrfToken)
        .send({ productId: 'mouse', quantity: 1 });
      expect(thief.status).toBe(201);
      expect(thief.body.count).toBe(1);
      const thiefCookie = (thief.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      expect(thiefCookie).not.toBe(cookie);
      const cart = await owner.get('/cart').set('User-Agent', 'Browser/1.0').expect(200);
      expect(cart.body.count).toBe(0);
      await owner.get('/auth/me').set('User-Agent', 'Browser/1.0').expect(200);
    } finally {
      await app.close();
    }
  });

  it('allows the origins listed in ALLOWED_ORIGINS', async () => {
    const app = await createTestApp({ ...storeEnv(), ALLOWED_ORIGINS: 'https://app.example' });
    try {
      await app
        .agent()
        .post('/auth/login')
        .set('Origin', 'https://app.example')
        .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
        .expect(200);
      await app
        .agent()
        .post('/auth/login')
        .set('Origin', 'https://other.example')
        .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
        .expect(403);
    } finally {
      await app.close();
    }
  });
});
