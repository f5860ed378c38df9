import { Secret, TOTP } from 'otpauth';
import type { Response, Test } from 'supertest';
import {
  createTestApp,
  csrfTokenOf,
  PASSWORDS,
  redisEnv,
  sessionIdFrom,
  signIn,
  STORES,
  type TestApp,
  cookieOf,
  errorBody,
} from './support/app-factory';

const CSRF = 'x-csrf-token';
const MFA_USER = 'mfa@example.com';
const totp = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP'), digits: 6, period: 30 });

const error = errorBody;

/** The code of the current 30 s step. */
function validCode(): string {
  return totp.generate();
}

/** A well-formed code that no step within two of now accepts. */
function wrongCode(): string {
  const near = new Set(
    [-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })),
  );
  let candidate = Number(validCode());
  let code: string;
  do {
    candidate = (candidate + 1) % 1_000_000;
    code = String(candidate).padStart(6, '0');
  } while (near.has(code));
  return code;
}

interface Pending {
  agent: ReturnType<TestApp['agent']>;
  csrfToken: string;
  sid: string;
  cookie: string;
  login: Response;
  before: { sid: string; cookie: string; csrfToken: string };
}

/** An anonymous session, then the MFA user's password: the session is left pending. */
async function beginMfa(app: TestApp): Promise<Pending> {
  const agent = app.agent();
  const anonymous = await agent.get('/auth/csrf').expect(200);
  const login = await agent
    .post('/auth/login')
    .set(CSRF, anonymous.body.csrfToken)
    .send({ email: MFA_USER, password: PASSWORDS[MFA_USER] })
    .expect(200);
  return {
    agent,
    csrfToken: login.body.csrfToken,
    sid: sessionIdFrom(login.headers['set-cookie']) as string,
    cookie: cookieOf(login),
    login,
    before: {
      sid: sessionIdFrom(anonymous.headers['set-cookie']) as string,
      cookie: cookieOf(anonymous),
      csrfToken: anonymous.body.csrfToken,
    },
  };
}

function verify(pending: Pending, code: unknown): Test {
  return pending.agent.post('/auth/mfa/verify').set(CSRF, pending.csrfToken).send({ code });
}

describe.each(STORES)('MFA (TOTP) on the %s', (_name, env) => {
  let app: TestApp;

  // A new app per test: an accepted code is remembered (replays fail), so tests that sign in
  // with the current code must not share an instance.
  beforeEach(async () => {
    app = await createTestApp(env());
  });
  afterEach(() => app.close());

  it('answers the password with 200 {mfaRequired:true, csrfToken}, no user, under a new session id', async () => {
    const pending = await beginMfa(app);
    expect(pending.login.body).toEqual({ mfaRequired: true, csrfToken: expect.any(String) });
    expect(pending.sid).toEqual(expect.any(String));
    expect(pending.sid).not.toBe(pending.before.sid);
    expect(pending.csrfToken).not.toBe(pending.before.csrfToken);
    expect(await csrfTokenOf(pending.agent)).toBe(pending.csrfToken);
    // The anonymous session id is dead: presenting it gets a new session, never that one.
    const replayed = await app
      .agent()
      .get('/auth/csrf')
      .set('Cookie', pending.before.cookie)
      .expect(200);
    const reissued = sessionIdFrom(replayed.headers['set-cookie']);
    expect(reissued).toEqual(expect.any(String));
    expect(reissued).not.toBe(pending.before.sid);
  });

  it('is not signed in while MFA is pending', async () => {
    const pending = await beginMfa(app);
    const me = await pending.agent.get('/auth/me').expect(401);
    expect(me.body).toEqual(error(401, 'AUTH_REQUIRED'));
    await pending.agent.get('/auth/sessions').expect(401);
    await pending.agent.post('/auth/logout').set(CSRF, pending.csrfToken).expect(401);
  });

  it('signs in on the right code: 200 {user, csrfToken}, a new session id and a new token', async () => {
    const pending = await beginMfa(app);
    const res = await verify(pending, validCode()).expect(200);
    expect(res.body).toEqual({
      user: { id: expect.any(String), email: MFA_USER, roles: ['user'] },
      csrfToken: expect.any(String),
    });
    const sid = sessionIdFrom(res.headers['set-cookie']);
    expect(sid).toEqual(expect.any(String));
    expect(sid).not.toBe(pending.sid);
    expect(res.body.csrfToken).not.toBe(pending.csrfToken);
    expect(res.headers['cache-control']).toBe('no-store');

    const me = await pending.agent.get('/auth/me').expect(200);
    expect(me.body).toEqual({ user: res.body.user });
    // The pending session id is dead, and so is its CSRF token.
    await app.agent().get('/auth/me').set('Cookie', pending.cookie).expect(401);
    const stale = await pending.agent.post('/auth/logout').set(CSRF, pending.csrfToken).expect(403);
    expect(stale.body).toEqual(error(403, 'CSRF_INVALID'));
    // Once done, the MFA step is no longer pending on this session.
    const again = await pending.agent
      .post('/auth/mfa/verify')
      .set(CSRF, res.body.csrfToken)
      .send({ code: validCode() })
      .expect(400);
    expect(again.body).toEqual(error(400, 'MFA_NOT_PENDING'));
    await pending.agent.post('/auth/logout').set(CSRF, res.body.csrfToken).expect(204);
  });

  it('needs the CSRF token of the pending session', async () => {
    const pending = await beginMfa(app);
    const res = await pending.agent
      .post('/auth/mfa/verify')
      .send({ code: validCode() })
      .expect(403);
    expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
    await pending.agent
      .post('/auth/mfa/verify')
      .set(CSRF, pending.before.csrfToken)
      .send({ code: validCode() })
      .expect(403);
    await pending.agent.get('/auth/me').expect(401);
    await verify(pending, validCode()).expect(200);
  });

  it('answers a wrong code with 401 INVALID_MFA_CODE and stays pending', async () => {
    const pending = await beginMfa(app);
    const res = await verify(pending, wrongCode()).expect(401);
    expect(res.body).toEqual(error(401, 'INVALID_MFA_CODE'));
    await pending.agent.get('/auth/me').expect(401);
    await verify(pending, validCode()).expect(200);
    await pending.agent.get('/auth/me').expect(200);
  });

  it('answers 400 MFA_NOT_PENDING when no MFA is pending', async () => {
    const agent = app.agent();
    const token = await csrfTokenOf(agent);
    const anonymous = await agent
      .post('/auth/mfa/verify')
      .set(CSRF, token)
      .send({ code: validCode() })
      .expect(400);
    expect(anonymous.body).toEqual(error(400, 'MFA_NOT_PENDING'));
    await agent.get('/auth/me').expect(401);

    const noSession = await app
      .agent()
      .post('/auth/mfa/verify')
      .send({ code: validCode() })
      .expect(400);
    expect(noSession.body).toEqual(error(400, 'MFA_NOT_PENDING'));

    const { agent: user, csrfToken } = await signIn(app, 'user@example.com');
    const signedIn = await user
      .post('/auth/mfa/verify')
      .set(CSRF, csrfToken)
      .send({ code: validCode() })
      .expect(400);
    expect(signedIn.body).toEqual(error(400, 'MFA_NOT_PENDING'));
  });

  it.each([
    ['letters', '12ab'],
    ['seven digits', '1234567'],
    ['five digits', '12345'],
    ['an empty string', ''],
    ['surrounding spaces', ' 123456 '],
    ['a number', 123456],
  ])('answers a malformed code (%s) with 400 VALIDATION_FAILED', async (_case, code) => {
    const pending = await beginMfa(app);
    const res = await verify(pending, code).expect(400);
    expect(res.body).toEqual({ ...error(400, 'VALIDATION_FAILED'), errors: expect.any(Object) });
    expect(Object.keys(res.body.errors)).toEqual(['code']);
    await pending.agent.get('/auth/me').expect(401);
  });

  it('refuses a missing code and unknown fields with 400 VALIDATION_FAILED', async () => {
    const pending = await beginMfa(app);
    const missing = await pending.agent
      .post('/auth/mfa/verify')
      .set(CSRF, pending.csrfToken)
      .send({})
      .expect(400);
    expect(missing.body).toEqual({
      ...error(400, 'VALIDATION_FAILED'),
      errors: expect.any(Object),
    });
    expect(Object.keys(missing.body.errors)).toEqual(['code']);
    const extra = await pending.agent
      .post('/auth/mfa/verify')
      .set(CSRF, pending.csrfToken)
      .send({ code: validCode(), userId: 'someone-else' })
      .expect(400);
    expect(Object.keys(extra.body.errors)).toEqual(['userId']);
    await pending.agent.get('/auth/me').expect(401);
  });

  it('accepts a code once: replaying it in a second login answers 401 INVALID_MFA_CODE', async () => {
    const first = await beginMfa(app);
    const code = validCode();
    await verify(first, code).expect(200);
    const second = await beginMfa(app);
    const replay = await verify(second, code).expect(401);
    expect(replay.body).toEqual(error(401, 'INVALID_MFA_CODE'));
    await second.agent.get('/auth/me').expect(401);
  });

  it('drops the pending state after five wrong codes: even the right code then gets 400 MFA_NOT_PENDING', async () => {
    const pending = await beginMfa(app);
    for (let i = 0; i < 5; i += 1) {
      const res = await verify(pending, wrongCode()).expect(401);
      expect(res.body).toEqual(error(401, 'INVALID_MFA_CODE'));
    }
    const res = await verify(pending, validCode()).expect(400);
    expect(res.body).toEqual(error(400, 'MFA_NOT_PENDING'));
    await pending.agent.get('/auth/me').expect(401);
  });

  it('counts wrong codes sent in parallel: ten at once also use up the five tries', async () => {
    const pending = await beginMfa(app);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => verify(pending, wrongCode())),
    );
    for (const res of answers) {
      expect([401, 400]).toContain(res.status);
      expect(['INVALID_MFA_CODE', 'MFA_NOT_PENDING']).toContain(res.body.code);
    }
    const res = await verify(pending, validCode()).expect(400);
    expect(res.body).toEqual(error(400, 'MFA_NOT_PENDING'));
    await pending.agent.get('/auth/me').expect(401);
  });
});

describe.each(STORES)('wrong MFA codes per account on the %s', (_name, env) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ ...env(), TRUST_PROXY: '1', LOGIN_LOCKOUT_MS: '60000' });
  });
  afterEach(() => app.close());

  /** Each guess from a client IP of its own, as a botnet behind the trusted proxy would send. */
  let nextIp = 1;
  const fromNewIp = (pending: Pending, code: string) =>
    verify(pending, code).set('X-Forwarded-For', `198.51.100.${nextIp++}`);

  it('counts them across password logins and IPs: LOGIN_MAX_ATTEMPTS, then 429 even to the right code', async () => {
    const first = await beginMfa(app);
    for (let i = 0; i < 4; i += 1) await fromNewIp(first, wrongCode()).expect(401);
    // A new password login does not reset the count: the fifth wrong code locks the account.
    const second = await beginMfa(app);
    await fromNewIp(second, wrongCode()).expect(401);
    const locked = await fromNewIp(second, validCode()).expect(429);
    expect(locked.body).toEqual(error(429, 'TOO_MANY_ATTEMPTS'));
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await second.agent.get('/auth/me').expect(401);
    const third = await beginMfa(app);
    await fromNewIp(third, validCode()).expect(429);
    await third.agent.get('/auth/me').expect(401);
  });

  it('counts parallel guesses over many logins: no more than LOGIN_MAX_ATTEMPTS codes are tried', async () => {
    const logins = await Promise.all(Array.from({ length: 4 }, () => beginMfa(app)));
    const answers = await Promise.all(
      logins.flatMap((pending) => Array.from({ length: 4 }, () => fromNewIp(pending, wrongCode()))),
    );
    const tried = answers.filter((res) => res.status === 401).length;
    expect(tried).toBeLessThanOrEqual(5);
    expect(answers.every((res) => [401, 429].includes(res.status))).toBe(true);
    await fromNewIp(await beginMfa(app), validCode()).expect(429);
  });

  it('starts again from zero after a right code', async () => {
    const first = await beginMfa(app);
    for (let i = 0; i < 4; i += 1) await fromNewIp(first, wrongCode()).expect(401);
    await fromNewIp(first, validCode()).expect(200);
    const second = await beginMfa(app);
    for (let i = 0; i < 4; i += 1) await fromNewIp(second, wrongCode()).expect(401);
  });
});

describe('MFA across instances on one Redis', () => {
  it('refuses on one instance a code another instance already accepted', async () => {
    const shared = redisEnv();
    const first = await createTestApp(shared);
    const second = await createTestApp(shared);
    try {
      const code = validCode();
      await verify(await beginMfa(first), code).expect(200);
      const pending = await beginMfa(second);
      const replay = await verify(pending, code).expect(401);
      expect(replay.body).toEqual(error(401, 'INVALID_MFA_CODE'));
      await pending.agent.get('/auth/me').expect(401);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('completes on one instance an MFA login begun on another', async () => {
    const shared = redisEnv();
    const first = await createTestApp(shared);
    const second = await createTestApp(shared);
    try {
      const pending = await beginMfa(first);
      const res = await second
        .agent()
        .post('/auth/mfa/verify')
        .set('Cookie', pending.cookie)
        .set(CSRF, pending.csrfToken)
        .send({ code: validCode() })
        .expect(200);
      expect(res.body.user.email).toBe(MFA_USER);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
