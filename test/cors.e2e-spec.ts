import type { Response } from 'supertest';
import { createTestApp, PASSWORDS, STORES, type TestApp } from './support/app-factory';

const APP_ORIGIN = 'https://app.example.com';
const OTHER_APP_ORIGIN = 'http://localhost:5173';
const FOREIGN_ORIGIN = 'https://evil.example';

function accessControlHeaders(res: Response): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers).filter(([name]) => name.startsWith('access-control-')),
  ) as Record<string, string>;
}

function listOf(header: string | undefined): string[] {
  return (header ?? '').split(',').map((item) => item.trim().toLowerCase());
}

function preflight(app: TestApp, path: string, origin: string, method = 'POST') {
  return app
    .agent()
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', 'content-type,x-csrf-token');
}

describe.each(STORES)('CORS for single-page apps on the %s', (_name, storeEnv) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      ...storeEnv(),
      ALLOWED_ORIGINS: `${APP_ORIGIN},${OTHER_APP_ORIGIN}`,
    });
  });
  afterAll(() => app.close());

  it.each([APP_ORIGIN, OTHER_APP_ORIGIN])(
    'answers the preflight from the allowed %s with that origin and credentials',
    async (origin) => {
      for (const [path, method] of [
        ['/auth/login', 'POST'],
        ['/cart/items/1', 'PATCH'],
        ['/auth/sessions', 'DELETE'],
        ['/preferences', 'PUT'],
      ]) {
        const res = await preflight(app, path, origin, method).expect(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(listOf(res.headers['access-control-allow-methods'])).toEqual(
          expect.arrayContaining(
            ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => m.toLowerCase()),
          ),
        );
        expect(listOf(res.headers['access-control-allow-headers'])).toEqual(
          expect.arrayContaining(['content-type', 'x-csrf-token']),
        );
        expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
        expect(listOf(res.headers.vary)).toContain('origin');
        expect(res.text).toBe('');
      }
    },
  );

  it('gives the answers themselves CORS with credentials, Vary: Origin and a readable CORP', async () => {
    const agent = app.agent();
    const login = await agent
      .post('/auth/login')
      .set('Origin', APP_ORIGIN)
      .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
      .expect(200);
    const me = await agent.get('/auth/me').set('Origin', APP_ORIGIN).expect(200);
    const added = await agent
      .post('/cart/items')
      .set('Origin', APP_ORIGIN)
      .set('x-csrf-token', login.body.csrfToken)
      .send({ productId: 'mouse', quantity: 1 })
      .expect(201);
    for (const res of [login, me, added]) {
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(listOf(res.headers.vary)).toContain('origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }
    expect(me.body.user.email).toBe('user@example.com');
    expect(added.body.count).toBe(1);
  });

  it('keeps the CSRF rules for an allowed origin: a live session still needs its token', async () => {
    const agent = app.agent();
    await agent
      .post('/auth/login')
      .set('Origin', APP_ORIGIN)
      .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
      .expect(200);
    const refused = await agent.post('/auth/logout').set('Origin', APP_ORIGIN).expect(403);
    expect(refused.body.code).toBe('CSRF_INVALID');
    expect(refused.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
  });

  it('gives a foreign origin no Access-Control-* header, on the preflight or the answer', async () => {
    const pre = await preflight(app, '/auth/login', FOREIGN_ORIGIN);
    expect(pre.status).not.toBe(204);
    expect(accessControlHeaders(pre)).toEqual({});
    const login = await app
      .agent()
      .post('/auth/login')
      .set('Origin', FOREIGN_ORIGIN)
      .send({ email: 'bob@example.com', password: PASSWORDS['bob@example.com'] })
      .expect(403);
    expect(login.body.code).toBe('CSRF_INVALID');
    const products = await app.agent().get('/products').set('Origin', FOREIGN_ORIGIN).expect(200);
    for (const res of [login, products]) {
      expect(accessControlHeaders(res)).toEqual({});
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it.each(['null', 'https://app.example.com.evil.example', 'http://app.example.com', '*'])(
    'treats the look-alike origin %s as foreign',
    async (origin) => {
      const pre = await preflight(app, '/auth/login', origin);
      const get = await app.agent().get('/products').set('Origin', origin).expect(200);
      expect(accessControlHeaders(pre)).toEqual({});
      expect(accessControlHeaders(get)).toEqual({});
    },
  );

  it('adds no Access-Control-* header to a request without an Origin', async () => {
    const res = await app.agent().get('/products').expect(200);
    expect(accessControlHeaders(res)).toEqual({});
  });
});

describe('CORS without ALLOWED_ORIGINS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('answers no origin with CORS, not even a wildcard', async () => {
    const pre = await preflight(app, '/auth/login', APP_ORIGIN);
    const get = await app.agent().get('/products').set('Origin', APP_ORIGIN).expect(200);
    expect(accessControlHeaders(pre)).toEqual({});
    expect(accessControlHeaders(get)).toEqual({});
  });
});
