import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import {
  createTestApp,
  PASSWORDS,
  sessionIdFrom,
  STORES,
  type TestApp,
  cookieOf,
  signedCookie,
  setCookiesOf,
} from './support/app-factory';

const CSRF = 'x-csrf-token';
const USER = 'user@example.com';
const LOGIN = { email: USER, password: PASSWORDS[USER] };
const ERROR_KEYS = ['statusCode', 'code', 'message', 'errors'];

/** helmet's headers, and no X-Powered-By. */
function expectHardenedHeaders(res: Response): void {
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toEqual(expect.any(String));
}

/** The error shape and nothing else: no stack, no file path, no 5xx. */
function expectCleanError(res: Response, statusCode: number, code?: string): void {
  expect(res.status).toBe(statusCode);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({
    statusCode,
    code: code ?? expect.stringMatching(/^[A-Z][A-Z_]+$/),
    message: expect.any(String),
  });
  for (const key of Object.keys(res.body as Record<string, unknown>)) {
    expect(ERROR_KEYS).toContain(key);
  }
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/work\/|\.[cm]?[jt]s:\d+|stack/i);
  expect(res.text).not.toMatch(/SyntaxError|TypeError|RangeError|Unexpected token/);
  expectHardenedHeaders(res);
}

/** Nothing was added to Object.prototype by a request. */
function expectNoPollution(before: string[]): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'roles', 'user']) expect(probe[key]).toBeUndefined();
}

function nestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function nestedArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe.each(STORES)('abusive requests on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  /** POST /auth/login with a raw JSON text. */
  function postRaw(body: string | Buffer, type = 'application/json') {
    return postBytes(Buffer.from(body), { 'Content-Type': type });
  }

  /** POST /auth/login with these exact bytes (superagent would JSON-encode a Buffer itself). */
  function postBytes(bytes: Buffer, headers: Record<string, string>) {
    return app
      .agent()
      .post('/auth/login')
      .set(headers)
      .serialize(() => bytes as unknown as string)
      .send(bytes);
  }

  /** The app still answers after an abusive request (no crash, no wedged event loop). */
  async function expectAlive(): Promise<void> {
    await app.agent().get('/health').expect(200);
    await app.agent().post('/auth/login').send(LOGIN).expect(200);
  }

  describe('JSON bodies', () => {
    it.each([
      ['a truncated object', '{"email": "user@example.com", "password": '],
      ['unquoted keys', '{email: "user@example.com"}'],
      ['single quotes', "{'email': 'user@example.com'}"],
      ['a trailing comma', '{"email": "user@example.com",}'],
      ['a form body labelled JSON', 'email=user%40example.com&password=x'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ])('answers malformed JSON (%s) with 400', async (_case, body) => {
      expectCleanError(await postRaw(body), 400);
    });

    it('answers a body over 100 kb with 413', async () => {
      const body = JSON.stringify({ email: USER, password: 'x'.repeat(101 * 1024) });
      expectCleanError(await postRaw(body), 413);
    });

    it('answers a gzip body that inflates past 100 kb with 413', async () => {
      const bomb = gzipSync(JSON.stringify({ email: USER, password: '0'.repeat(2 * 1024 * 1024) }));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
      // The same encoding under the limit is read: the 413 is about the inflated size.
      await postBytes(gzipSync(JSON.stringify(LOGIN)), headers).expect(200);
      expectCleanError(await postBytes(bomb, headers), 413);
      await expectAlive();
    });

    it('answers a body that is not gzip but says so with 400, an unknown encoding with 415', async () => {
      const json = Buffer.from(JSON.stringify(LOGIN));
      const broken = await postBytes(json, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
      });
      expectCleanError(broken, 400);
      const unknown = await postBytes(json, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'x-unheard-of',
      });
      expectCleanError(unknown, 415);
    });

    it.each([
      ['an array', JSON.stringify([LOGIN])],
      ['an empty array', '[]'],
      ['a string', JSON.stringify('user@example.com')],
      ['a number', '42'],
      ['null', 'null'],
      ['true', 'true'],
    ])('answers a body that is %s with 400', async (_case, body) => {
      expectCleanError(await postRaw(body), 400);
    });

    it.each([
      ['objects', nestedObject(5000)],
      ['arrays', nestedArray(5000)],
      ['arrays 50,000 deep (still under 100 kb)', nestedArray(50_000)],
    ])('answers deeply nested %s with 400 or 413, and lives on', async (_case, body) => {
      const res = await postRaw(body);
      expect([400, 413]).toContain(res.status);
      expectCleanError(res, res.status);
      await expectAlive();
    });

    it('answers deep nesting inside a known field with 400', async () => {
      const body = `{"email":${nestedObject(5000)},"password":"x"}`;
      expectCleanError(await postRaw(body), 400);
      await expectAlive();
    });

    it('answers unknown fields with 400 VALIDATION_FAILED naming them in `errors`', async () => {
      const res = await app
        .agent()
        .post('/auth/login')
        .send({ ...LOGIN, isAdmin: true, roles: ['admin'] });
      expectCleanError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual({
        isAdmin: [expect.any(String)],
        roles: [expect.any(String)],
      });
      expect(setCookiesOf(res)).toEqual([]);
    });

    it('answers five thousand unknown fields with 400 VALIDATION_FAILED', async () => {
      const wide: Record<string, number> = {};
      for (let i = 0; i < 5_000; i += 1) wide[`f${i}`] = i;
      const res = await app
        .agent()
        .post('/auth/login')
        .send({ ...LOGIN, ...wide });
      expectCleanError(res, 400, 'VALIDATION_FAILED');
      await expectAlive();
    });
  });

  describe('prototype pollution', () => {
    let before: string[];

    beforeEach(() => {
      before = Object.getOwnPropertyNames(Object.prototype).sort();
    });

    it.each([
      [
        'a top-level __proto__',
        `{"email":"${USER}","password":"x","__proto__":{"polluted":"yes"}}`,
      ],
      ['only a __proto__ key', '{"__proto__":{"isAdmin":true,"roles":["admin"]}}'],
      ['a nested __proto__', `{"email":"${USER}","password":"x","a":{"__proto__":{"polluted":1}}}`],
      ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
      [
        'a nested constructor.prototype',
        `{"email":"${USER}","password":"x","x":{"constructor":{"prototype":{"polluted":1}}}}`,
      ],
      ['a prototype key', `{"email":"${USER}","password":"x","prototype":{"polluted":1}}`],
      [
        '__proto__ 40 levels down',
        `{"email":"${USER}","password":"x","a":${'{"b":'.repeat(40)}{"__proto__":{"polluted":1}}${'}'.repeat(40)}}`,
      ],
      ['__proto__ in an array', `[{"__proto__":{"polluted":1}}]`],
    ])('answers %s with 400 and pollutes nothing', async (_case, body) => {
      const res = await postRaw(body);
      expectCleanError(res, 400);
      expectNoPollution(before);
      await app.agent().get('/auth/me').expect(401);
    });

    it('answers __proto__ on a signed-in route with 400 and pollutes nothing', async () => {
      const agent = app.agent();
      const login = await agent.post('/auth/login').send(LOGIN).expect(200);
      const res = await agent
        .post('/auth/reauth')
        .set(CSRF, login.body.csrfToken)
        .set('Content-Type', 'application/json')
        .send('{"password":"x","__proto__":{"polluted":"yes"}}');
      expectCleanError(res, 400);
      expectNoPollution(before);
      const me = await agent.get('/auth/me').expect(200);
      expect(me.body.user.roles).toEqual(['user']);
    });

    it('pollutes nothing through the query string or cookie names', async () => {
      await app.agent().get('/auth/csrf?__proto__[polluted]=1&constructor[prototype][x]=1');
      const res = await app
        .agent()
        .get('/auth/me')
        .set('Cookie', '__proto__=polluted; constructor=x; prototype=y; hasOwnProperty=z');
      expectCleanError(res, 401, 'AUTH_REQUIRED');
      expectNoPollution(before);
    });
  });

  describe('content types on state-changing requests', () => {
    it.each([
      ['text/plain', 'text/plain', JSON.stringify(LOGIN)],
      [
        'form-urlencoded',
        'application/x-www-form-urlencoded',
        'email=user%40example.com&password=x',
      ],
      ['multipart', 'multipart/form-data; boundary=xyz', '--xyz\r\n\r\nx\r\n--xyz--\r\n'],
      ['XML', 'application/xml', '<login/>'],
      ['JSON in a charset body-parser cannot read', 'application/json; charset=latin1', '{}'],
    ])('answers %s on POST /auth/login with 415', async (_case, type, body) => {
      const res = await app.agent().post('/auth/login').set('Content-Type', type).send(body);
      expectCleanError(res, 415);
      expect(setCookiesOf(res)).toEqual([]);
    });

    it('answers a body with no Content-Type with 415', async () => {
      const res = await postBytes(Buffer.from(JSON.stringify(LOGIN)), {});
      expectCleanError(res, 415);
    });

    it('answers form bodies on POST /auth/mfa/verify and POST /auth/logout with 415', async () => {
      const agent = app.agent();
      const login = await agent.post('/auth/login').send(LOGIN).expect(200);
      for (const path of ['/auth/mfa/verify', '/auth/logout', '/auth/reauth']) {
        const res = await agent
          .post(path)
          .set(CSRF, login.body.csrfToken)
          .type('form')
          .send('code=123456');
        expectCleanError(res, 415);
      }
      await agent.get('/auth/me').expect(200);
    });
  });

  describe('cookies', () => {
    /** /auth/me answers 401 AUTH_REQUIRED; /auth/csrf issues a new session id, never `presented`. */
    async function expectNotAdopted(cookie: string, presented?: string): Promise<void> {
      const me = await app.agent().get('/auth/me').set('Cookie', cookie);
      expectCleanError(me, 401, 'AUTH_REQUIRED');
      const csrf = await app.agent().get('/auth/csrf').set('Cookie', cookie);
      expect(csrf.status).toBe(200);
      expectHardenedHeaders(csrf);
      expect(csrf.body).toEqual({ csrfToken: expect.any(String) });
      const issued = sessionIdFrom(csrf.headers['set-cookie']);
      expect(issued).toEqual(expect.any(String));
      if (presented !== undefined) expect(issued).not.toBe(presented);
      // The new session works, under the new id.
      const again = await app.agent().get('/auth/csrf').set('Cookie', cookieOf(csrf)).expect(200);
      expect(again.body.csrfToken).toBe(csrf.body.csrfToken);
    }

    it.each([
      ['bad percent-encoding', 'sid=%E0%A4%A'],
      ['an empty value', 'sid='],
      ['only the prefix', 'sid=s%3A'],
      ['no signature', 'sid=s%3Aabc'],
      ['a bogus signature', 'sid=s%3Aabc.def'],
      ['an unsigned value', 'sid=abc.def'],
      ['a dot only', 'sid=s%3A.'],
      ['quotes', 'sid="s%3Aabc.def"'],
      ['garbage around it', ';;; =; sid=s%3Aabc.def; ==; x'],
      ['two session cookies', 'sid=s%3Aabc.def; sid=s%3Aghi.jkl'],
    ])('does not adopt a malformed cookie (%s)', async (_case, cookie) => {
      await expectNotAdopted(cookie);
    });

    it('does not adopt a real session cookie with a tampered signature', async () => {
      const login = await app.agent().post('/auth/login').send(LOGIN).expect(200);
      const cookie = cookieOf(login);
      const sid = sessionIdFrom(login.headers['set-cookie']) as string;
      const last = cookie.at(-1) === 'A' ? 'B' : 'A';
      await expectNotAdopted(`${cookie.slice(0, -1)}${last}`, sid);
      await expectNotAdopted(signedCookie(sid, 'another-secret-that-is-long-enough-000000'), sid);
      // The genuine cookie still works.
      await app.agent().get('/auth/me').set('Cookie', cookie).expect(200);
    });

    it('does not adopt a well-signed id that never existed', async () => {
      const login = await app.agent().post('/auth/login').send(LOGIN).expect(200);
      const real = sessionIdFrom(login.headers['set-cookie']) as string;
      // The signing helper matches the app's: re-signing a real id gives a working cookie.
      await app.agent().get('/auth/me').set('Cookie', signedCookie(real)).expect(200);
      const never = 'never-existed-0123456789abcdefABCDEF';
      await expectNotAdopted(signedCookie(never), never);
    });

    it.each([
      ['a very long id', 'x'.repeat(4000)],
      ['a glob', '*'],
      ['a hash tag', '{user:1}'],
      ['a path', '../../etc/passwd'],
      ['spaces and newlines', 'a b\r\nSET x y'],
      ['a colon-separated key', 'test:sess:abc'],
    ])('does not adopt a well-signed id that is %s', async (_case, sid) => {
      await expectNotAdopted(signedCookie(sid), sid);
    });

    it('does not adopt the cookie of a session that was logged out', async () => {
      const login = await app.agent().post('/auth/login').send(LOGIN).expect(200);
      const cookie = cookieOf(login);
      await app
        .agent()
        .post('/auth/logout')
        .set('Cookie', cookie)
        .set(CSRF, login.body.csrfToken)
        .expect(204);
      await expectNotAdopted(cookie, sessionIdFrom(login.headers['set-cookie']));
    });

    it('answers a 6 kb Cookie header normally', async () => {
      await expectNotAdopted(`sid=s%3A${'a'.repeat(6 * 1024)}.sig`);
      await expectNotAdopted(`pad=${'x'.repeat(6 * 1024)}; sid=s%3Aabc.def`);
      const login = await app.agent().post('/auth/login').send(LOGIN).expect(200);
      const padded = `pad=${'x'.repeat(6 * 1024)}; ${cookieOf(login)}`;
      await app.agent().get('/auth/me').set('Cookie', padded).expect(200);
    });

    it('answers a 20 kb Cookie header with 401, 400 or 431, never a 5xx', async () => {
      const cookie = `pad=${'x'.repeat(20 * 1024)}; sid=s%3Aabc.def`;
      const me = await app.agent().get('/auth/me').set('Cookie', cookie);
      expect([400, 401, 431]).toContain(me.status);
      if (me.status === 401) expectCleanError(me, 401, 'AUTH_REQUIRED');
      const csrf = await app.agent().get('/auth/csrf').set('Cookie', cookie);
      expect([200, 400, 431]).toContain(csrf.status);
      if (csrf.status === 200) {
        expect(sessionIdFrom(csrf.headers['set-cookie'])).not.toBe('abc');
      }
      await expectAlive();
    });

    it('lets a login through with a malformed cookie, under a new session id', async () => {
      const res = await app
        .agent()
        .post('/auth/login')
        .set('Cookie', 'sid=s%3Aabc.def')
        .send(LOGIN)
        .expect(200);
      expect(sessionIdFrom(res.headers['set-cookie'])).toEqual(expect.any(String));
      expect(sessionIdFrom(res.headers['set-cookie'])).not.toBe('abc');
    });
  });

  describe('routes and headers', () => {
    it.each([
      ['GET', '/does-not-exist'],
      ['POST', '/does-not-exist'],
      ['GET', '/auth/login'],
      ['PUT', '/auth/me'],
      ['GET', '/auth/%E0%A4%A'],
      ['GET', '/..%2F..%2Fetc%2Fpasswd'],
    ])('answers %s %s with 404 in the error shape', async (method, path) => {
      const agent = app.agent();
      const res =
        method === 'GET'
          ? await agent.get(path)
          : method === 'PUT'
            ? await agent.put(path).send({})
            : await agent.post(path).send({});
      expect(res.status).toBeLessThan(500);
      expectCleanError(res, res.status === 400 ? 400 : 404);
    });

    it('sends helmet’s headers and no X-Powered-By, on success and on errors', async () => {
      expectHardenedHeaders(await app.agent().get('/auth/csrf').expect(200));
      expectHardenedHeaders(await app.agent().get('/auth/me').expect(401));
      expectHardenedHeaders(await app.agent().post('/auth/login').send(LOGIN).expect(200));
      expectHardenedHeaders(await app.agent().get('/nowhere').expect(404));
    });
  });
});
