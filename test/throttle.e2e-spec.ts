import type { Response } from 'supertest';
import type { SampleEnv } from '../apps/sample/src/app.module';
import {
  createTestApp,
  PASSWORDS,
  postgresEnv,
  redisEnv,
  signIn,
  STORES,
  type TestApp,
} from './support/app-factory';
import { sleep } from './support/timing';

const USER = 'user@example.com';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const GHOST = 'nobody-at-all@example.com';
const WRONG = 'not-the-password';

/** Per account: 3 failures lock it for 2 s; the per-IP limit stays out of the way. */
const ACCOUNT_LIMITS: SampleEnv = {
  LOGIN_MAX_ATTEMPTS: '3',
  LOGIN_LOCKOUT_MS: '2000',
  LOGIN_IP_MAX_FAILURES: '1000',
};
/** Per IP: 4 failures from one client; the per-account limit stays out of the way. */
const IP_LIMITS: SampleEnv = { LOGIN_MAX_ATTEMPTS: '1000', LOGIN_IP_MAX_FAILURES: '4' };

/** A login from a fresh client (no cookie, so no CSRF token is due). */
function login(app: TestApp, email: string, password: string): Promise<Response> {
  return app.agent().post('/auth/login').send({ email, password });
}

function expectInvalidCredentials(res: Response): void {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({
    statusCode: 401,
    code: 'INVALID_CREDENTIALS',
    message: expect.any(String),
  });
}

/** 429 TOO_MANY_ATTEMPTS with Retry-After in whole seconds; returns Retry-After. */
function expectTooManyAttempts(res: Response): number {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    statusCode: 429,
    code: 'TOO_MANY_ATTEMPTS',
    message: expect.any(String),
  });
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.headers['set-cookie']).toBeUndefined();
  return Number(res.headers['retry-after']);
}

function res429Keys(res: Response): string[] {
  return Object.keys(res.body as Record<string, unknown>).sort();
}

async function fail(app: TestApp, email: string, times: number): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < times; i += 1) {
    const res = await login(app, email, WRONG);
    expectInvalidCredentials(res);
    answers.push(res);
  }
  return answers;
}

describe.each(STORES)('login throttling on the %s', (_name, env) => {
  let app: TestApp;

  afterEach(async () => {
    await app?.close();
  });

  describe('per account (LOGIN_MAX_ATTEMPTS=3, LOGIN_LOCKOUT_MS=2000)', () => {
    beforeEach(async () => {
      app = await createTestApp({ ...env(), ...ACCOUNT_LIMITS });
    });

    it('answers 401 to three wrong passwords, then 429 with Retry-After even to the right one', async () => {
      await fail(app, USER, 3);
      const locked = await login(app, USER, PASSWORDS[USER]);
      const retryAfter = expectTooManyAttempts(locked);
      // Exactly the error shape: Retry-After is a header, not an undocumented body field.
      expect(res429Keys(locked)).toEqual(['code', 'message', 'statusCode']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      expectTooManyAttempts(await login(app, USER, WRONG));
    });

    it('locks an unknown email the same way: the 401s and the 429 cannot tell it from an account', async () => {
      const known = await fail(app, USER, 3);
      const unknown = await fail(app, GHOST, 3);
      expect(unknown.map((res) => res.body)).toEqual(known.map((res) => res.body));
      const knownLocked = await login(app, USER, PASSWORDS[USER]);
      const unknownLocked = await login(app, GHOST, 'whatever-password');
      const knownRetry = expectTooManyAttempts(knownLocked);
      const unknownRetry = expectTooManyAttempts(unknownLocked);
      expect(unknownLocked.body).toEqual(knownLocked.body);
      expect(unknownRetry).toBeGreaterThanOrEqual(1);
      expect(unknownRetry).toBeLessThanOrEqual(2);
      expect(knownRetry).toBeGreaterThanOrEqual(1);
      expect(knownRetry).toBeLessThanOrEqual(2);
    });

    it('leaves other accounts alone', async () => {
      await fail(app, USER, 3);
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
      const alice = await login(app, ALICE, PASSWORDS[ALICE]);
      expect(alice.status).toBe(200);
      expect(alice.body.user.email).toBe(ALICE);
      expectInvalidCredentials(await login(app, BOB, WRONG));
      expect((await login(app, BOB, PASSWORDS[BOB])).status).toBe(200);
    });

    it('lets the right password in once the lockout is over, with a fresh count', async () => {
      await fail(app, USER, 3);
      const retryAfter = expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
      await sleep(retryAfter * 1000 + 100);
      expectInvalidCredentials(await login(app, USER, WRONG));
      const res = await login(app, USER, PASSWORDS[USER]);
      expect(res.status).toBe(200);
      expect(res.body.user.email).toBe(USER);
    });

    it('resets the count on a successful login', async () => {
      await fail(app, USER, 2);
      expect((await login(app, USER, PASSWORDS[USER])).status).toBe(200);
      await fail(app, USER, 2);
      // The count restarted at the success: this is failure 3 of 3, not failure 5.
      await fail(app, USER, 1);
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
    });

    it('counts every spelling of an email as the same account', async () => {
      for (const email of ['USER@example.com', 'User@Example.COM', USER]) {
        expectInvalidCredentials(await login(app, email, WRONG));
      }
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
      expectTooManyAttempts(await login(app, 'uSeR@eXaMpLe.CoM', PASSWORDS[USER]));
    });

    it('locks for the whole LOGIN_LOCKOUT_MS from the failure that locks, however old the first failure', async () => {
      await fail(app, USER, 1);
      await sleep(1500);
      await fail(app, USER, 2);
      const retryAfter = expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
      expect(retryAfter).toBe(2);
      await sleep(1000);
      // 1 s into a 2 s lockout: still locked.
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
    });

    it('does not let concurrent guesses past LOGIN_MAX_ATTEMPTS', async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => login(app, USER, WRONG)));
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
      // At most LOGIN_MAX_ATTEMPTS passwords were checked; the rest were refused unchecked.
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
    });
  });

  describe('password checks on a live session (LOGIN_MAX_ATTEMPTS=3)', () => {
    beforeEach(async () => {
      app = await createTestApp({ ...env(), ...ACCOUNT_LIMITS, LOGIN_LOCKOUT_MS: '60000' });
    });

    const checks: [string, (password: string) => object][] = [
      ['POST /auth/reauth', (password) => ({ password })],
      [
        'POST /auth/password',
        (password) => ({ currentPassword: password, newPassword: 'a-brand-new-password-42' }),
      ],
    ];

    it.each(checks)(
      '%s: three wrong passwords lock the account, then 429 even to the right one',
      async (route, body) => {
        const path = route.split(' ')[1];
        const user = await signIn(app, USER);
        for (let i = 0; i < 3; i += 1) {
          const res = await user.agent
            .post(path)
            .set('x-csrf-token', user.csrfToken)
            .send(body(WRONG));
          expectInvalidCredentials(res);
        }
        const right = await user.agent
          .post(path)
          .set('x-csrf-token', user.csrfToken)
          .send(body(PASSWORDS[USER]));
        expectTooManyAttempts(right);
        // The lockout is the account's: a password login is refused too.
        expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
        // And the password did not change behind the 429.
        await user.agent.get('/auth/me').expect(200);
      },
    );

    it('counts wrong logins and wrong re-authentications together', async () => {
      const user = await signIn(app, USER);
      await fail(app, USER, 2);
      const reauth = await user.agent
        .post('/auth/reauth')
        .set('x-csrf-token', user.csrfToken)
        .send({ password: WRONG });
      expectInvalidCredentials(reauth);
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
    });

    it('does not let parallel wrong re-authentications past LOGIN_MAX_ATTEMPTS', async () => {
      const user = await signIn(app, USER);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          user.agent
            .post('/auth/reauth')
            .set('x-csrf-token', user.csrfToken)
            .send({ password: WRONG }),
        ),
      );
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
      expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
    });
  });

  describe('per client IP (LOGIN_IP_MAX_FAILURES=4)', () => {
    beforeEach(async () => {
      app = await createTestApp({ ...env(), ...IP_LIMITS });
    });

    it('answers 429 with Retry-After to any login after four failures across emails', async () => {
      await fail(app, USER, 1);
      await fail(app, ALICE, 1);
      await fail(app, BOB, 1);
      await fail(app, GHOST, 1);
      const retryAfter = expectTooManyAttempts(await login(app, USER, PASSWORDS[USER]));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // An account this client never tried is refused too: the block is on the client.
      expectTooManyAttempts(await login(app, 'admin@example.com', PASSWORDS['admin@example.com']));
      expectTooManyAttempts(await login(app, 'someone-else@example.com', WRONG));
    });

    it('never counts successful logins', async () => {
      for (let i = 0; i < 8; i += 1) {
        const email = [USER, ALICE, BOB][i % 3];
        expect((await login(app, email, PASSWORDS[email])).status).toBe(200);
      }
      await fail(app, GHOST, 3);
      for (let i = 0; i < 4; i += 1) {
        expect((await login(app, ALICE, PASSWORDS[ALICE])).status).toBe(200);
      }
      // The fourth failure is the one that blocks, whatever the successes in between.
      await fail(app, GHOST, 1);
      expectTooManyAttempts(await login(app, ALICE, PASSWORDS[ALICE]));
    });
  });
});

/** The shared stores, each with its own namespace per call (a key prefix, a schema). */
const SHARED_STORES: [string, (extra: SampleEnv) => SampleEnv][] = [
  ['Redis', redisEnv],
  ['PostgreSQL', postgresEnv],
];

describe.each(SHARED_STORES)('login throttling across instances on one %s', (_name, storeEnv) => {
  it('shares the account lockout between two instances on the same store namespace', async () => {
    const shared = storeEnv(ACCOUNT_LIMITS);
    const first = await createTestApp(shared);
    const second = await createTestApp(shared);
    const other = await createTestApp(storeEnv(ACCOUNT_LIMITS));
    try {
      await fail(first, USER, 2);
      await fail(second, USER, 1);
      expectTooManyAttempts(await login(first, USER, PASSWORDS[USER]));
      expectTooManyAttempts(await login(second, USER, PASSWORDS[USER]));
      // Another namespace is another deployment: its counters are its own.
      expect((await login(other, USER, PASSWORDS[USER])).status).toBe(200);
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
  });

  it('shares the per-IP failure count between two instances on the same store namespace', async () => {
    const shared = storeEnv(IP_LIMITS);
    const first = await createTestApp(shared);
    const second = await createTestApp(shared);
    try {
      await fail(first, USER, 1);
      await fail(second, ALICE, 1);
      await fail(first, BOB, 1);
      await fail(second, GHOST, 1);
      expectTooManyAttempts(await login(first, ALICE, PASSWORDS[ALICE]));
      expectTooManyAttempts(await login(second, BOB, PASSWORDS[BOB]));
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
