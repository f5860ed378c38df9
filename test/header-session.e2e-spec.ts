import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import {
  createTestApp,
  errorBody,
  PASSWORDS,
  setCookiesOf,
  signIn,
  STORES,
  type TestApp,
} from './support/app-factory';
import { sleep } from './support/timing';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function tokenFor(app: TestApp, email: string, userAgent = 'ApiClient/1.0') {
  const res = await request(app.server)
    .post('/auth/token')
    .set('user-agent', userAgent)
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  return res;
}

describe.each(STORES)('header sessions (Authorization: Bearer) on the %s', (_name, storeEnv) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(storeEnv());
  });
  afterAll(() => app.close());

  it('POST /auth/token answers {token, user} and sets no cookie', async () => {
    const res = await tokenFor(app, 'alice@example.com');
    expect(res.body).toEqual({
      token: expect.any(String),
      user: { id: expect.any(String), email: 'alice@example.com', roles: ['user'] },
    });
    expect(setCookiesOf(res)).toEqual([]);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('wrong credentials get the login errors', async () => {
    await request(app.server)
      .post('/auth/token')
      .send({ email: 'alice@example.com', password: 'wrong-password-1' })
      .expect(401)
      .expect((res) => expect(res.body).toEqual(errorBody(401, 'INVALID_CREDENTIALS')));
    await request(app.server).post('/auth/token').send({ email: 'alice@example.com' }).expect(400);
  });

  it('the token signs requests in, sets no cookie, and needs no CSRF token on writes', async () => {
    const { token } = (await tokenFor(app, 'bob@example.com')).body;
    const me = await request(app.server).get('/auth/me').set(bearer(token)).expect(200);
    expect(me.body.user.email).toBe('bob@example.com');
    expect(setCookiesOf(me)).toEqual([]);
    const post = await request(app.server)
      .post('/posts')
      .set(bearer(token))
      .send({ title: 'From the API', body: 'No cookie, no CSRF token' })
      .expect(201);
    expect(setCookiesOf(post)).toEqual([]);
    await request(app.server)
      .post('/cart/items')
      .set(bearer(token))
      .send({ productId: 'keyboard', quantity: 2 })
      .expect(201);
    const cart = await request(app.server).get('/cart').set(bearer(token)).expect(200);
    expect(cart.body.count).toBe(2);
  });

  it('a state-changing request from a foreign Origin is refused even with a token', async () => {
    const { token } = (await tokenFor(app, 'bob@example.com')).body;
    await request(app.server)
      .post('/posts')
      .set(bearer(token))
      .set('origin', 'https://evil.example')
      .send({ title: 't', body: 'b' })
      .expect(403)
      .expect((res) => expect(res.body).toEqual(errorBody(403, 'CSRF_INVALID')));
  });

  it('a cookie and a token together get 400 AMBIGUOUS_SESSION', async () => {
    const { token } = (await tokenFor(app, 'alice@example.com')).body;
    const cookieUser = await signIn(app, 'bob@example.com');
    await cookieUser.agent
      .get('/auth/me')
      .set(bearer(token))
      .expect(400)
      .expect((res) => expect(res.body).toEqual(errorBody(400, 'AMBIGUOUS_SESSION')));
  });

  it('an unknown, forged or malformed token is no session: 401 AUTH_REQUIRED', async () => {
    const { token } = (await tokenFor(app, 'alice@example.com')).body as { token: string };
    const [sid] = token.split('.');
    for (const bad of [`${sid}.forgedsignature`, 'nonsense', `${token}x`, '']) {
      await request(app.server)
        .get('/auth/me')
        .set('authorization', `Bearer ${bad}`)
        .expect(401)
        .expect((res) => expect(res.body).toEqual(errorBody(401, 'AUTH_REQUIRED')));
    }
  });

  it('is listed in /auth/sessions like any session, and revoked like one', async () => {
    const tokenLogin = await tokenFor(app, 'user@example.com', 'MobileApp/2.0');
    const token = tokenLogin.body.token as string;
    const listed = await request(app.server).get('/auth/sessions').set(bearer(token)).expect(200);
    const mine = listed.body.sessions.find((s: { current: boolean }) => s.current);
    expect(mine).toMatchObject({ current: true, userAgent: 'MobileApp/2.0' });
    expect(JSON.stringify(listed.body)).not.toContain(token.split('.')[0]);
    const browser = await signIn(app, 'user@example.com');
    await browser.agent
      .delete(`/auth/sessions/${mine.id}`)
      .set('x-csrf-token', browser.csrfToken)
      .expect(204);
    await request(app.server).get('/auth/me').set(bearer(token)).expect(401);
  });

  it('DELETE /auth/token ends the session at once; it needs a header session', async () => {
    const { token } = (await tokenFor(app, 'alice@example.com')).body;
    await request(app.server).delete('/auth/token').set(bearer(token)).expect(204);
    await request(app.server).get('/auth/me').set(bearer(token)).expect(401);
    await request(app.server).delete('/auth/token').set(bearer(token)).expect(401);
    await request(app.server).delete('/auth/token').expect(401);
  });

  it('the token is read from the header only, never from the URL', async () => {
    const { token } = (await tokenFor(app, 'alice@example.com')).body;
    for (const name of ['token', 'access_token', 'sid']) {
      const res = await request(app.server).get(`/auth/me?${name}=${encodeURIComponent(token)}`);
      expect(res.status).not.toBe(200);
    }
  });

  it('a password change gives the session a new id: the new token comes in x-session-token', async () => {
    const { token } = (await tokenFor(app, 'superadmin@example.com')).body;
    const res = await request(app.server)
      .post('/auth/password')
      .set(bearer(token))
      .send({
        currentPassword: PASSWORDS['superadmin@example.com'],
        newPassword: 'Another-strong-pass-42',
      })
      .expect(204);
    const renewed = res.headers['x-session-token'] as string;
    expect(renewed).toEqual(expect.any(String));
    expect(renewed).not.toBe(token);
    await request(app.server).get('/auth/me').set(bearer(token)).expect(401);
    await request(app.server).get('/auth/me').set(bearer(renewed)).expect(200);
  });

  it('MFA users get {mfaRequired, token} and verify carrying it; the verified token works', async () => {
    const pending = await tokenFor(app, 'mfa@example.com');
    expect(pending.body).toEqual({ mfaRequired: true, token: expect.any(String) });
    await request(app.server).get('/auth/me').set(bearer(pending.body.token)).expect(401);
    const totp = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP'), digits: 6, period: 30 });
    const verified = await request(app.server)
      .post('/auth/mfa/verify')
      .set(bearer(pending.body.token))
      .send({ code: totp.generate() })
      .expect(200);
    expect(verified.body.user.email).toBe('mfa@example.com');
    expect(verified.body.token).toEqual(expect.any(String));
    expect(verified.body.token).not.toBe(pending.body.token);
    expect(setCookiesOf(verified)).toEqual([]);
    await request(app.server).get('/auth/me').set(bearer(verified.body.token)).expect(200);
    await request(app.server).get('/auth/me').set(bearer(pending.body.token)).expect(401);
  });
});

describe('header sessions keep the timeouts and bindings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ SESSION_IDLE_TIMEOUT_MS: '1000', SESSION_BIND_USER_AGENT: 'true' });
  });
  afterAll(() => app.close());

  it('an idle token times out with SESSION_TIMEOUT', async () => {
    const { token } = (await tokenFor(app, 'alice@example.com')).body;
    await request(app.server)
      .get('/auth/me')
      .set(bearer(token))
      .set('user-agent', 'ApiClient/1.0')
      .expect(200);
    await sleep(1300);
    await request(app.server)
      .get('/auth/me')
      .set(bearer(token))
      .set('user-agent', 'ApiClient/1.0')
      .expect(401)
      .expect((res) => expect(res.body).toEqual(errorBody(401, 'SESSION_TIMEOUT')));
  });

  it('a token used from another user agent gets USER_AGENT_MISMATCH', async () => {
    const { token } = (await tokenFor(app, 'bob@example.com')).body;
    await request(app.server)
      .get('/auth/me')
      .set(bearer(token))
      .set('user-agent', 'Stolen/1.0')
      .expect(401)
      .expect((res) => expect(res.body).toEqual(errorBody(401, 'USER_AGENT_MISMATCH')));
  });
});
