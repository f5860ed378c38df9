import type { Response } from 'supertest';
import {
  createTestApp,
  PASSWORDS,
  redisEnv,
  signIn,
  STORES,
  type TestApp,
} from './support/app-factory';

function cookieHeaderOf(res: Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.[0]?.split(';')[0];
}

/** Signs in without an agent and returns the session cookie as a Cookie header. */
async function signInCookie(app: TestApp): Promise<string> {
  const res = await app
    .agent()
    .post('/auth/login')
    .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
    .expect(200);
  return cookieHeaderOf(res) as string;
}

describe.each(STORES)('sessions on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  it('keeps a session across requests', async () => {
    const { agent, user } = await signIn(app, 'user@example.com');
    const me = await agent.get('/auth/me').expect(200);
    expect(me.body).toEqual({ user });
    expect(user).toEqual({ id: expect.any(String), email: 'user@example.com', roles: ['user'] });
  });

  it('sets the session cookie with secure defaults: HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const res = await app.agent().get('/auth/csrf').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^sid=s%3A/);
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('sets no cookie for a request that does not touch the session (saveUninitialized false)', async () => {
    const res = await app.agent().get('/auth/me').expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers a tampered cookie as anonymous, never adopting it', async () => {
    const forged = await app
      .agent()
      .get('/auth/me')
      .set('Cookie', 'sid=s%3Aforged-session-id.invalidsignature')
      .expect(401);
    expect(forged.body.code).toBe('AUTH_REQUIRED');
  });

  it('answers an unknown but well-signed id as anonymous and issues a new id', async () => {
    const res = await app.agent().get('/auth/csrf').set('Cookie', 'sid=garbage').expect(200);
    expect(res.headers['set-cookie']).toBeDefined();
  });

  it('puts Cache-Control: no-store on authenticated responses', async () => {
    const { agent } = await signIn(app, 'user@example.com');
    const res = await agent.get('/auth/me').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('reports the store as up on /health', async () => {
    const res = await app.agent().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', store: { status: 'up' } });
  });
});

describe('cookie options from the environment', () => {
  it('uses SESSION_NAME, COOKIE_DOMAIN and COOKIE_SAMESITE', async () => {
    const app = await createTestApp({
      SESSION_NAME: 'app.sid',
      COOKIE_DOMAIN: 'example.test',
      COOKIE_SAMESITE: 'strict',
    });
    try {
      const res = await app.agent().get('/auth/csrf').expect(200);
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(/^app\.sid=/);
      expect(cookie).toContain('Domain=example.test');
      expect(cookie).toContain('SameSite=Strict');
    } finally {
      await app.close();
    }
  });

  it('in production, behind a trusted proxy: Secure and the __Host- name', async () => {
    const app = await createTestApp({
      NODE_ENV: 'production',
      TRUST_PROXY: '1',
      SESSION_ALLOW_MEMORY_STORE: 'true',
    });
    try {
      const res = await app.agent().get('/auth/csrf').set('X-Forwarded-Proto', 'https').expect(200);
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(/^__Host-sid=/);
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('Path=/');
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await app.close();
    }
  });

  it('verifies with every secret of a rotated list and signs with the first', async () => {
    const OLD = 'old-secret-old-secret-old-secret-01';
    const NEW = 'new-secret-new-secret-new-secret-02';
    const shared = redisEnv();
    const before = await createTestApp({ ...shared, SESSION_SECRET: OLD });
    const rotated = await createTestApp({ ...shared, SESSION_SECRET: `${NEW},${OLD}` });
    const newOnly = await createTestApp({ ...shared, SESSION_SECRET: NEW });
    try {
      const signedOld = await signInCookie(before);
      await rotated.agent().get('/auth/me').set('Cookie', signedOld).expect(200);
      await newOnly.agent().get('/auth/me').set('Cookie', signedOld).expect(401);
      const signedByRotated = await signInCookie(rotated);
      await newOnly.agent().get('/auth/me').set('Cookie', signedByRotated).expect(200);
    } finally {
      await Promise.all([before.close(), rotated.close(), newOnly.close()]);
    }
  });
});
