import { sessionOptionsFromEnv } from './session-options.env';
import { resolveSessionOptions } from './session-options.resolve';
import { SessionConfigurationError } from './errors';

const SECRET = 'an-env-secret-that-is-longer-than-32-characters';

function errorOf(env: Record<string, string>): SessionConfigurationError {
  try {
    sessionOptionsFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionConfigurationError);
    return err as SessionConfigurationError;
  }
  throw new Error('expected a SessionConfigurationError');
}

function expectRefused(env: Record<string, string>, variable: string, value?: string) {
  const err = errorOf(env);
  expect(err.option).toBe(variable);
  expect(err.message).toContain(variable);
  if (value !== undefined) expect(err.message).toContain(value);
}

describe('sessionOptionsFromEnv', () => {
  it('gives development defaults from an empty environment', () => {
    const options = sessionOptionsFromEnv({});
    expect(options.production).toBe(false);
    expect(options.store).toEqual({ type: 'memory' });
    expect(options.name).toBeUndefined();
    expect(options.cookie).toEqual({ domain: undefined, sameSite: undefined, secure: false });
    expect(options.trustProxy).toBeUndefined();
    expect(options.idleTimeout).toBeUndefined();
    expect(options.csrf).toEqual({ allowedOrigins: undefined });
    expect(() => resolveSessionOptions(options)).not.toThrow();
  });

  it('leaves the secret unset in development without SESSION_SECRET (the module makes one up)', () => {
    expect(sessionOptionsFromEnv({}).secret).toBeUndefined();
    expect(sessionOptionsFromEnv({ NODE_ENV: 'development' }).secret).toBeUndefined();
  });

  it('reads SESSION_SECRET, comma-separated for rotation (the first signs)', () => {
    expect(sessionOptionsFromEnv({ SESSION_SECRET: SECRET }).secret).toEqual([SECRET]);
    expect(sessionOptionsFromEnv({ SESSION_SECRET: ` new-one , old-one,,older ` }).secret).toEqual([
      'new-one',
      'old-one',
      'older',
    ]);
  });

  it('refuses production without SESSION_SECRET, naming it', () => {
    expectRefused({ NODE_ENV: 'production' }, 'SESSION_SECRET');
    expectRefused({ NODE_ENV: 'production', SESSION_SECRET: '  ' }, 'SESSION_SECRET');
    expectRefused({ NODE_ENV: 'production', SESSION_SECRET: ' , ,' }, 'SESSION_SECRET');
  });

  it('turns on production with NODE_ENV=production: secure cookies', () => {
    const options = sessionOptionsFromEnv({ NODE_ENV: 'production', SESSION_SECRET: SECRET });
    expect(options.production).toBe(true);
    expect(options.cookie?.secure).toBe(true);
  });

  it('reads SESSION_NAME', () => {
    expect(sessionOptionsFromEnv({ SESSION_NAME: 'app.sid' }).name).toBe('app.sid');
  });

  it('reads REDIS_URL and SESSION_PREFIX', () => {
    // No prefix of its own: the store's default (sess:) applies.
    expect(sessionOptionsFromEnv({ REDIS_URL: 'redis://h:6379' }).store).toEqual({
      type: 'redis',
      url: 'redis://h:6379',
      prefix: undefined,
    });
    expect(
      sessionOptionsFromEnv({ REDIS_URL: 'redis://h:6379', SESSION_PREFIX: 'app:' }).store,
    ).toMatchObject({ prefix: 'app:' });
  });

  it('reads REDIS_CLUSTER_NODES as comma-separated seeds', () => {
    expect(
      sessionOptionsFromEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000' }).store,
    ).toEqual({
      type: 'redis',
      cluster: { rootNodes: ['10.0.0.1:7000', '10.0.0.2:7000'] },
      prefix: undefined,
    });
  });

  it('reads DATABASE_URL as the PostgreSQL store, with DATABASE_SCHEMA', () => {
    const url = 'postgres://app:secret@db:5432/app';
    expect(sessionOptionsFromEnv({ DATABASE_URL: url }).store).toEqual({
      type: 'postgres',
      connectionString: url,
      schema: undefined,
    });
    expect(
      sessionOptionsFromEnv({ DATABASE_URL: url, DATABASE_SCHEMA: 'auth' }).store,
    ).toMatchObject({ type: 'postgres', schema: 'auth' });
  });

  it('reads REDIS_SENTINELS with REDIS_SENTINEL_NAME, mymaster by default', () => {
    expect(sessionOptionsFromEnv({ REDIS_SENTINELS: 's1:26379,s2:26379' }).store).toEqual({
      type: 'redis',
      sentinel: { sentinels: ['s1:26379', 's2:26379'], name: 'mymaster' },
      prefix: undefined,
    });
    expect(
      sessionOptionsFromEnv({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'sessions' }).store,
    ).toMatchObject({ sentinel: { name: 'sessions' } });
  });

  it('refuses more than one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS and DATABASE_URL, naming them', () => {
    const both = () =>
      sessionOptionsFromEnv({
        REDIS_URL: 'redis://h:6379',
        REDIS_SENTINELS: 's1:26379',
        DATABASE_URL: 'postgres://localhost/test',
      });
    expect(both).toThrow(SessionConfigurationError);
    expect(both).toThrow(/REDIS_URL, REDIS_SENTINELS, DATABASE_URL/);
    expect(() =>
      sessionOptionsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_CLUSTER_NODES: 'h:7000' }),
    ).toThrow(/"REDIS_URL, REDIS_CLUSTER_NODES".*at most one/);
  });

  it('reads COOKIE_DOMAIN and COOKIE_SAMESITE (any case)', () => {
    const options = sessionOptionsFromEnv({
      COOKIE_DOMAIN: 'example.com',
      COOKIE_SAMESITE: 'Strict',
    });
    expect(options.cookie).toMatchObject({ domain: 'example.com', sameSite: 'strict' });
    expect(sessionOptionsFromEnv({ COOKIE_SAMESITE: 'none' }).cookie?.sameSite).toBe('none');
  });

  it('refuses a malformed COOKIE_SAMESITE, naming it', () => {
    expectRefused({ COOKIE_SAMESITE: 'sometimes' }, 'COOKIE_SAMESITE', 'sometimes');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ])('reads TRUST_PROXY=%s as %p', (value, expected) => {
    expect(sessionOptionsFromEnv({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('reads SESSION_HASH_IDS and SESSION_ID_HASH_KEY into idsAtRest', () => {
    expect(sessionOptionsFromEnv({}).idsAtRest).toEqual({ hash: undefined, key: undefined });
    expect(
      sessionOptionsFromEnv({ SESSION_HASH_IDS: 'false', SESSION_ID_HASH_KEY: 'k2, k1' }).idsAtRest,
    ).toEqual({ hash: false, key: ['k2', 'k1'] });
    expect(() => sessionOptionsFromEnv({ SESSION_HASH_IDS: 'maybe' })).toThrow(/SESSION_HASH_IDS/);
  });

  it('reads SESSION_BINDING_MISMATCH as refuse or end, and refuses anything else, naming it', () => {
    expect(sessionOptionsFromEnv({}).bindingMismatch).toBeUndefined();
    expect(sessionOptionsFromEnv({ SESSION_BINDING_MISMATCH: 'End' }).bindingMismatch).toBe('end');
    expect(sessionOptionsFromEnv({ SESSION_BINDING_MISMATCH: 'refuse' }).bindingMismatch).toBe(
      'refuse',
    );
    expectRefused({ SESSION_BINDING_MISMATCH: 'logout' }, 'SESSION_BINDING_MISMATCH', 'logout');
  });

  it('reads ALLOWED_ORIGINS as a comma-separated list', () => {
    expect(
      sessionOptionsFromEnv({ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).csrf,
    ).toEqual({ allowedOrigins: ['https://a.example', 'https://b.example'] });
  });

  it.each([
    ['SESSION_IDLE_TIMEOUT_MS', 'idleTimeout'],
    ['SESSION_ABSOLUTE_TIMEOUT_MS', 'absoluteTimeout'],
    ['SESSION_FRESH_MS', 'freshLoginMaxAge'],
    ['SESSION_MAX_PER_USER', 'maxSessionsPerUser'],
  ] as const)('reads %s as the number %s', (variable, option) => {
    expect(sessionOptionsFromEnv({ [variable]: ' 1234 ' })[option]).toBe(1234);
  });

  it('sets no per-user session limit of its own without SESSION_MAX_PER_USER', () => {
    expect(sessionOptionsFromEnv({}).maxSessionsPerUser).toBeUndefined();
  });

  it.each([
    'SESSION_IDLE_TIMEOUT_MS',
    'SESSION_ABSOLUTE_TIMEOUT_MS',
    'SESSION_FRESH_MS',
    'SESSION_MAX_PER_USER',
  ])('refuses a malformed %s, naming it and the value', (variable) => {
    for (const value of ['30m', '-5', '0', '1.5', '1e3', 'abc']) {
      expectRefused({ [variable]: value }, variable, value);
    }
  });

  it.each([
    ['SESSION_BIND_IP', 'bindIp'],
    ['SESSION_BIND_USER_AGENT', 'bindUserAgent'],
    ['SESSION_ALLOW_MEMORY_STORE', 'allowMemoryStore'],
  ] as const)('reads the boolean %s as %s', (variable, option) => {
    for (const value of ['true', 'TRUE', '1', 'yes']) {
      expect(sessionOptionsFromEnv({ [variable]: value })[option]).toBe(true);
    }
    for (const value of ['false', '0', 'no', 'No']) {
      expect(sessionOptionsFromEnv({ [variable]: value })[option]).toBe(false);
    }
    expect(sessionOptionsFromEnv({})[option]).toBeUndefined();
  });

  it.each(['SESSION_BIND_IP', 'SESSION_BIND_USER_AGENT', 'SESSION_ALLOW_MEMORY_STORE'])(
    'refuses a malformed boolean %s, naming it',
    (variable) => {
      expectRefused({ [variable]: 'maybe' }, variable, 'maybe');
    },
  );

  it('treats empty and blank variables as unset', () => {
    const options = sessionOptionsFromEnv({
      SESSION_NAME: '',
      COOKIE_DOMAIN: '   ',
      SESSION_IDLE_TIMEOUT_MS: '',
      SESSION_BIND_IP: ' ',
      REDIS_URL: '',
    });
    expect(options.name).toBeUndefined();
    expect(options.cookie?.domain).toBeUndefined();
    expect(options.idleTimeout).toBeUndefined();
    expect(options.bindIp).toBeUndefined();
    expect(options.store).toEqual({ type: 'memory' });
  });

  it('takes a lookup function (ConfigService.get) as well as an object', () => {
    const env: Record<string, string> = { SESSION_SECRET: SECRET, SESSION_NAME: 'fn.sid' };
    const options = sessionOptionsFromEnv((name) => env[name]);
    expect(options.secret).toEqual([SECRET]);
    expect(options.name).toBe('fn.sid');
  });

  it('gives valid module options for a production deployment on Redis', () => {
    const options = sessionOptionsFromEnv({
      NODE_ENV: 'production',
      SESSION_SECRET: `${SECRET},${SECRET}-previous`,
      REDIS_URL: 'rediss://cache.internal:6380',
      COOKIE_SAMESITE: 'none',
      TRUST_PROXY: '1',
    });
    const resolved = resolveSessionOptions(options);
    expect(resolved.name).toBe('__Host-sid');
    expect(resolved.cookie).toMatchObject({ secure: true, sameSite: 'none' });
  });

  it('lets validation name a too-short production SESSION_SECRET', () => {
    const options = sessionOptionsFromEnv({
      NODE_ENV: 'production',
      SESSION_SECRET: 'short',
      REDIS_URL: 'redis://h:6379',
    });
    expect(() => resolveSessionOptions(options)).toThrow(/secret.*32/);
  });

  it('lets production use the memory store only with SESSION_ALLOW_MEMORY_STORE', () => {
    const env = { NODE_ENV: 'production', SESSION_SECRET: SECRET };
    expect(() => resolveSessionOptions(sessionOptionsFromEnv(env))).toThrow(
      SessionConfigurationError,
    );
    const allowed = sessionOptionsFromEnv({ ...env, SESSION_ALLOW_MEMORY_STORE: 'true' });
    expect(() => resolveSessionOptions(allowed)).not.toThrow();
  });
});
