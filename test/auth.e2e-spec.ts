import type { Response } from 'supertest';
import {
  createTestApp,
  csrfTokenOf,
  PASSWORDS,
  sessionIdFrom,
  signIn,
  STORES,
  type TestApp,
  cookieOf,
  setCookiesOf,
  errorBody,
} from './support/app-factory';

const CSRF = 'x-csrf-token';
const USER = 'user@example.com';

const error = errorBody;

/** No stack, no file path: only the documented fields of the error shape. */
function expectCleanError(res: Response, statusCode: number): void {
  expect(res.status).toBe(statusCode);
  expect(res.body).toMatchObject({
    statusCode,
    code: expect.any(String),
    message: expect.any(String),
  });
  for (const key of Object.keys(res.body)) {
    expect(['statusCode', 'code', 'message', 'errors']).toContain(key);
  }
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts\b|\/work\/|stack/i);
}

/**
 * Failed logins count towards per-account lockouts (LOGIN_MAX_ATTEMPTS): each test that fails a
 * password on purpose uses an account of its own, so no account nears the limit.
 */
describe.each(STORES)('auth on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  describe('GET /auth/csrf', () => {
    it('creates a session and returns its token, the same on every call', async () => {
      const agent = app.agent();
      const first = await agent.get('/auth/csrf').expect(200);
      expect(first.body).toEqual({ csrfToken: expect.any(String) });
      expect(first.body.csrfToken.length).toBeGreaterThanOrEqual(32);
      expect(setCookiesOf(first).some((c) => c.startsWith('sid='))).toBe(true);
      const second = await agent.get('/auth/csrf').expect(200);
      expect(second.body.csrfToken).toBe(first.body.csrfToken);
    });

    it('gives each session its own token', async () => {
      expect(await csrfTokenOf(app.agent())).not.toBe(await csrfTokenOf(app.agent()));
    });
  });

  describe('POST /auth/login', () => {
    it('answers 200 {user:{id,email,roles}, csrfToken} and sets a session cookie', async () => {
      const res = await app
        .agent()
        .post('/auth/login')
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(200);
      expect(res.body).toEqual({
        user: { id: expect.any(String), email: USER, roles: ['user'] },
        csrfToken: expect.any(String),
      });
      expect(sessionIdFrom(res.headers['set-cookie'])).toEqual(expect.any(String));
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('changes the session id; the pre-login id and CSRF token no longer work', async () => {
      const agent = app.agent();
      const before = await agent.get('/auth/csrf').expect(200);
      const oldCookie = cookieOf(before);
      const oldToken = before.body.csrfToken as string;
      const login = await agent
        .post('/auth/login')
        .set(CSRF, oldToken)
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(200);
      const newCookie = cookieOf(login);
      expect(newCookie).not.toBe(oldCookie);
      expect(sessionIdFrom(login.headers['set-cookie'])).not.toBe(
        sessionIdFrom(before.headers['set-cookie']),
      );
      expect(login.body.csrfToken).not.toBe(oldToken);
      expect(await csrfTokenOf(agent)).toBe(login.body.csrfToken);
      await agent.get('/auth/me').expect(200);
      const replayed = await app.agent().get('/auth/me').set('Cookie', oldCookie).expect(401);
      expect(replayed.body).toEqual(error(401, 'AUTH_REQUIRED'));
      const stale = await agent
        .post('/auth/reauth')
        .set(CSRF, oldToken)
        .send({ password: PASSWORDS[USER] })
        .expect(403);
      expect(stale.body.code).toBe('CSRF_INVALID');
    });

    it('signing in as someone else on a signed-in session replaces it, under a new id', async () => {
      const agent = app.agent();
      const alice = await agent
        .post('/auth/login')
        .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
        .expect(200);
      const aliceCookie = cookieOf(alice);
      const res = await agent
        .post('/auth/login')
        .set(CSRF, alice.body.csrfToken)
        .send({ email: 'bob@example.com', password: PASSWORDS['bob@example.com'] })
        .expect(200);
      expect(cookieOf(res)).not.toBe(aliceCookie);
      const me = await agent.get('/auth/me').expect(200);
      expect(me.body.user.email).toBe('bob@example.com');
      await app.agent().get('/auth/me').set('Cookie', aliceCookie).expect(401);
    });

    it('answers a wrong password and an unknown email with the same 401 INVALID_CREDENTIALS', async () => {
      const wrong = await app
        .agent()
        .post('/auth/login')
        .send({ email: 'bob@example.com', password: 'not-the-password' })
        .expect(401);
      const unknown = await app
        .agent()
        .post('/auth/login')
        .send({ email: 'nobody@example.com', password: 'whatever-password' })
        .expect(401);
      expect(wrong.body).toEqual(error(401, 'INVALID_CREDENTIALS'));
      expect(unknown.body).toEqual(wrong.body);
      expect(setCookiesOf(wrong)).toEqual([]);
      expect(setCookiesOf(unknown)).toEqual([]);
    });

    it('takes as long for an unknown email as for a wrong password (a hash is checked either way)', async () => {
      const timed = async (email: string) => {
        const started = process.hrtime.bigint();
        await app
          .agent()
          .post('/auth/login')
          .send({ email, password: 'not-the-password' })
          .expect(401);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[1];
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (const email of ['superadmin@example.com', 'admin@example.com', USER]) {
        wrong.push(await timed(email));
        unknown.push(await timed(`nobody-${wrong.length}@example.com`));
      }
      // Without a dummy hash an unknown email answers in a small fraction of the time.
      expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.3);
    });

    it('a failed login does not sign in the session it came with', async () => {
      const agent = app.agent();
      const token = await csrfTokenOf(agent);
      await agent
        .post('/auth/login')
        .set(CSRF, token)
        .send({ email: 'moderator@example.com', password: 'not-the-password' })
        .expect(401);
      await agent.get('/auth/me').expect(401);
    });

    it.each([
      ['no body', undefined, ['email', 'password']],
      ['no fields', {}, ['email', 'password']],
      ['no password', { email: USER }, ['password']],
      ['no email', { password: 'x' }, ['email']],
      ['an invalid email', { email: 'not-an-email', password: 'x' }, ['email']],
      ['an empty password', { email: USER, password: '' }, ['password']],
      ['a number as password', { email: USER, password: 12345 }, ['password']],
      ['an object as email', { email: { $ne: '' }, password: 'x' }, ['email']],
      ['a password too long', { email: USER, password: 'x'.repeat(257) }, ['password']],
      [
        'a non-boolean rememberMe',
        { email: USER, password: 'x', rememberMe: 'yes' },
        ['rememberMe'],
      ],
      ['an unknown field', { email: USER, password: 'x', roles: ['admin'] }, ['roles']],
    ])('answers 400 VALIDATION_FAILED to %s', async (_case, body, fields) => {
      const req = app.agent().post('/auth/login');
      const res = await (body === undefined ? req : req.send(body)).expect(400);
      expect(res.body).toEqual({ ...error(400, 'VALIDATION_FAILED'), errors: expect.any(Object) });
      expect(Object.keys(res.body.errors).sort()).toEqual([...fields].sort());
      expect(setCookiesOf(res)).toEqual([]);
    });

    it('with rememberMe sets a persistent cookie; without, a browser-session cookie', async () => {
      const remembered = await app
        .agent()
        .post('/auth/login')
        .send({ email: USER, password: PASSWORDS[USER], rememberMe: true })
        .expect(200);
      const expires = /Expires=([^;]+)/.exec(setCookiesOf(remembered)[0])?.[1];
      expect(Date.parse(expires ?? '')).toBeGreaterThan(Date.now());
      const plain = await app
        .agent()
        .post('/auth/login')
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(200);
      expect(setCookiesOf(plain)[0]).not.toMatch(/Expires=|Max-Age=/i);
    });

    it('needs the CSRF token when it arrives with a live session', async () => {
      const agent = app.agent();
      await csrfTokenOf(agent);
      const res = await agent
        .post('/auth/login')
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      await agent.get('/auth/me').expect(401);
    });

    it('refuses a login from a foreign Origin: 403 CSRF_INVALID', async () => {
      const res = await app
        .agent()
        .post('/auth/login')
        .set('Origin', 'https://evil.example')
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      expect(setCookiesOf(res)).toEqual([]);
    });
  });

  describe('GET /auth/me', () => {
    it('answers the signed-in user, with Cache-Control: no-store', async () => {
      const { agent, user } = await signIn(app, 'alice@example.com');
      const res = await agent.get('/auth/me').expect(200);
      expect(res.body).toEqual({ user });
      expect(user).toEqual({ id: expect.any(String), email: 'alice@example.com', roles: ['user'] });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers 401 AUTH_REQUIRED anonymous, setting no cookie', async () => {
      const res = await app.agent().get('/auth/me').expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
      expect(setCookiesOf(res)).toEqual([]);
    });

    it('answers 401 to an anonymous session', async () => {
      const agent = app.agent();
      await csrfTokenOf(agent);
      const res = await agent.get('/auth/me').expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
    });
  });

  describe('POST /auth/logout', () => {
    it('answers 204 and clears the cookie (same name and path, expiry in the past)', async () => {
      const { agent, csrfToken } = await signIn(app, USER);
      const res = await agent.post('/auth/logout').set(CSRF, csrfToken).expect(204);
      expect(res.text).toBe('');
      const cleared = setCookiesOf(res).find((c) => c.startsWith('sid='));
      expect(cleared).toBeDefined();
      expect(cleared).toMatch(/^sid=;/);
      expect(cleared).toMatch(/;\s*Path=\/(;|$)/);
      const expires = /Expires=([^;]+)/.exec(cleared as string)?.[1];
      expect(Date.parse(expires ?? '')).toBeLessThan(Date.now());
      await agent.get('/auth/me').expect(401);
    });

    it('with secure cookies, clears __Host-sid with Secure and Path=/', async () => {
      const prod = await createTestApp({
        ...env(),
        NODE_ENV: 'production',
        TRUST_PROXY: '1',
        SESSION_ALLOW_MEMORY_STORE: 'true',
      });
      try {
        const login = await prod
          .agent()
          .post('/auth/login')
          .set('X-Forwarded-Proto', 'https')
          .send({ email: USER, password: PASSWORDS[USER] })
          .expect(200);
        const cookie = setCookiesOf(login)[0].split(';')[0];
        expect(cookie).toMatch(/^__Host-sid=/);
        const res = await prod
          .agent()
          .post('/auth/logout')
          .set('X-Forwarded-Proto', 'https')
          .set('Cookie', cookie)
          .set(CSRF, login.body.csrfToken)
          .expect(204);
        const cleared = setCookiesOf(res).find((c) => c.startsWith('__Host-sid='));
        expect(cleared).toMatch(/^__Host-sid=;/);
        expect(cleared).toMatch(/;\s*Path=\/(;|$)/);
        expect(cleared).toMatch(/;\s*Secure/);
        expect(cleared).not.toMatch(/Domain=/i);
        await prod
          .agent()
          .get('/auth/me')
          .set('X-Forwarded-Proto', 'https')
          .set('Cookie', cookie)
          .expect(401);
      } finally {
        await prod.close();
      }
    });

    it('kills the session in the store: the old cookie replayed is refused', async () => {
      const login = await app
        .agent()
        .post('/auth/login')
        .send({ email: USER, password: PASSWORDS[USER] })
        .expect(200);
      const cookie = cookieOf(login);
      await app.agent().get('/auth/me').set('Cookie', cookie).expect(200);
      await app
        .agent()
        .post('/auth/logout')
        .set('Cookie', cookie)
        .set(CSRF, login.body.csrfToken)
        .expect(204);
      const replayed = await app.agent().get('/auth/me').set('Cookie', cookie).expect(401);
      expect(replayed.body).toEqual(error(401, 'AUTH_REQUIRED'));
      await app
        .agent()
        .post('/auth/logout')
        .set('Cookie', cookie)
        .set(CSRF, login.body.csrfToken)
        .expect(401);
    });

    it('ends only this session: the same user elsewhere stays signed in', async () => {
      const here = await signIn(app, 'alice@example.com');
      const there = await signIn(app, 'alice@example.com');
      await here.agent.post('/auth/logout').set(CSRF, here.csrfToken).expect(204);
      await here.agent.get('/auth/me').expect(401);
      await there.agent.get('/auth/me').expect(200);
    });

    it('answers 401 AUTH_REQUIRED anonymous', async () => {
      const res = await app.agent().post('/auth/logout').expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
    });

    it('answers 403 CSRF_INVALID without the token, and the session lives on', async () => {
      const { agent } = await signIn(app, USER);
      const res = await agent.post('/auth/logout').expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      await agent.get('/auth/me').expect(200);
    });
  });

  describe('POST /auth/reauth', () => {
    it('answers 204 to the right password', async () => {
      const { agent, csrfToken } = await signIn(app, USER);
      const res = await agent
        .post('/auth/reauth')
        .set(CSRF, csrfToken)
        .send({ password: PASSWORDS[USER] })
        .expect(204);
      expect(res.text).toBe('');
      expect(res.headers['cache-control']).toBe('no-store');
      await agent.get('/auth/me').expect(200);
    });

    it('answers 401 INVALID_CREDENTIALS to a wrong password, keeping the session', async () => {
      const { agent, csrfToken } = await signIn(app, USER);
      const res = await agent
        .post('/auth/reauth')
        .set(CSRF, csrfToken)
        .send({ password: 'not-the-password' })
        .expect(401);
      expect(res.body).toEqual(error(401, 'INVALID_CREDENTIALS'));
      await agent.get('/auth/me').expect(200);
    });

    it('refuses another user’s password', async () => {
      const { agent, csrfToken } = await signIn(app, 'alice@example.com');
      await agent
        .post('/auth/reauth')
        .set(CSRF, csrfToken)
        .send({ password: PASSWORDS[USER] })
        .expect(401);
    });

    it('answers 400 VALIDATION_FAILED to a missing password or an unknown field', async () => {
      const { agent, csrfToken } = await signIn(app, USER);
      const missing = await agent.post('/auth/reauth').set(CSRF, csrfToken).send({}).expect(400);
      expect(Object.keys(missing.body.errors)).toEqual(['password']);
      const extra = await agent
        .post('/auth/reauth')
        .set(CSRF, csrfToken)
        .send({ password: PASSWORDS[USER], email: USER })
        .expect(400);
      expect(Object.keys(extra.body.errors)).toEqual(['email']);
    });

    it('answers 401 AUTH_REQUIRED anonymous and 403 CSRF_INVALID without the token', async () => {
      const anon = await app.agent().post('/auth/reauth').send({ password: 'x' }).expect(401);
      expect(anon.body).toEqual(error(401, 'AUTH_REQUIRED'));
      const { agent } = await signIn(app, USER);
      const res = await agent.post('/auth/reauth').send({ password: PASSWORDS[USER] }).expect(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });
  });

  describe('headers and error bodies', () => {
    it('never sends X-Powered-By', async () => {
      const { agent } = await signIn(app, USER);
      const responses = [
        await agent.get('/auth/me'),
        await app.agent().get('/auth/me'),
        await app.agent().get('/auth/csrf'),
        await app.agent().get('/no-such-route'),
        await app.agent().post('/auth/login').send({}),
      ];
      for (const res of responses) expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('puts Cache-Control: no-store on authenticated responses', async () => {
      const { agent } = await signIn(app, USER);
      for (const path of ['/auth/me', '/auth/csrf']) {
        const res = await agent.get(path).expect(200);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('answers malformed JSON with 400 in the error shape, no stack trace', async () => {
      const res = await app
        .agent()
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "user@example.com", ');
      expectCleanError(res, 400);
    });

    it('answers errors without stack traces or paths', async () => {
      expectCleanError(await app.agent().get('/no-such-route'), 404);
      expectCleanError(await app.agent().get('/auth/me'), 401);
      expectCleanError(await app.agent().post('/auth/login').send({ email: 1 }), 400);
      expectCleanError(
        await app.agent().post('/auth/login').set('Content-Type', 'text/plain').send('x'),
        415,
      );
      expectCleanError(
        await app
          .agent()
          .post('/auth/login')
          .send({ email: USER, password: 'x'.repeat(200_000) }),
        413,
      );
    });
  });
});
