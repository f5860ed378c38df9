import { Store } from 'express-session';
import { validateSessionOptions } from './session-options.validation';
import { applySessionDefaults, type SessionModuleOptions } from './session.options';
import { SessionConfigurationError } from './errors';
import type { RedisClientLike } from './backends/redis/redis-client';

const SECRET = 'a-production-secret-of-at-least-32-chars';

/** Defaults applied, then validated: what the module does with the options. */
const resolve = (options: Partial<SessionModuleOptions>) =>
  validateSessionOptions(applySessionDefaults({ secret: SECRET, ...options }));

/** Valid production options, each case breaks one thing. */
const production = (
  options: Partial<SessionModuleOptions> = {},
): Partial<SessionModuleOptions> => ({
  production: true,
  store: { type: 'redis', url: 'redis://127.0.0.1:6379' },
  ...options,
});

function errorOf(options: Partial<SessionModuleOptions>): SessionConfigurationError {
  try {
    resolve(options);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionConfigurationError);
    return err as SessionConfigurationError;
  }
  throw new Error('expected a SessionConfigurationError');
}

/** The error names the option, both as a field and in its message. */
function expectRefused(options: Partial<SessionModuleOptions>, option: string, text?: RegExp) {
  const err = errorOf(options);
  expect(err.name).toBe('SessionConfigurationError');
  expect(err.option).toBe(option);
  expect(err.message).toContain(`"${option}"`);
  if (text) expect(err.message).toMatch(text);
  expect(err.message).not.toMatch(/\n\s+at /);
}

class CustomStore extends Store {
  get(_sid: string, cb: (err: unknown, session?: null) => void) {
    cb(null, null);
  }
  set(_sid: string, _session: unknown, cb?: (err?: unknown) => void) {
    cb?.();
  }
  destroy(_sid: string, cb?: (err?: unknown) => void) {
    cb?.();
  }
}

describe('validateSessionOptions', () => {
  describe('accepts', () => {
    it('the development defaults', () => {
      const options = resolve({ production: false, secret: 'short' });
      expect(options.name).toBe('sid');
      expect(options.cookie).toMatchObject({
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: false,
      });
      expect(options.cookie.domain).toBeUndefined();
      expect(options.resave).toBe(false);
      expect(options.saveUninitialized).toBe(false);
      expect(options.store).toEqual({ type: 'memory' });
    });

    it('secure production options, with the __Host- name', () => {
      const options = resolve(production());
      expect(options.cookie.secure).toBe(true);
      expect(options.name).toBe('__Host-sid');
    });

    it('a rotation list of secrets', () => {
      expect(resolve(production({ secret: [SECRET, `${SECRET}-old`] })).secret).toHaveLength(2);
    });

    it('an express-session Store instance, a Redis client instead of a URL', () => {
      expect(() => resolve(production({ store: new CustomStore() }))).not.toThrow();
      const client = {} as unknown as RedisClientLike;
      expect(() => resolve(production({ store: { type: 'redis', client } }))).not.toThrow();
    });

    it('the memory store in production with allowMemoryStore', () => {
      expect(() =>
        resolve(production({ store: { type: 'memory' }, allowMemoryStore: true })),
      ).not.toThrow();
    });

    it('an insecure cookie in production with allowInsecureCookie', () => {
      expect(() =>
        resolve(production({ cookie: { secure: false }, allowInsecureCookie: true })),
      ).not.toThrow();
    });

    it('SameSite=None with Secure', () => {
      expect(() => resolve({ cookie: { sameSite: 'none', secure: true } })).not.toThrow();
    });

    it('timeouts turned off with false', () => {
      expect(() =>
        resolve({ idleTimeout: false, absoluteTimeout: false, maxSessionsPerUser: false }),
      ).not.toThrow();
    });

    it('page history off by default, or on with limits and a page filter', () => {
      expect(resolve({}).pageHistory).toBe(false);
      const pageHistory = { maxPages: 5, maxPathLength: 100, isPage: () => true };
      expect(resolve({ pageHistory }).pageHistory).toBe(pageHistory);
    });
  });

  describe('refuses, naming the option', () => {
    it('a missing secret', () => {
      expectRefused({ secret: [] }, 'secret', /required/);
      expectRefused({ secret: undefined as unknown as string }, 'secret', /required/);
      expectRefused({ secret: '' }, 'secret');
      expectRefused({ secret: [SECRET, ''] }, 'secret');
    });

    it('a secret shorter than 32 characters in production', () => {
      expectRefused(production({ secret: 'x'.repeat(31) }), 'secret', /32/);
      expect(() => resolve(production({ secret: 'x'.repeat(32) }))).not.toThrow();
    });

    it('a short secret anywhere in the rotation list in production', () => {
      expectRefused(production({ secret: [SECRET, 'old-and-short'] }), 'secret', /32/);
    });

    it('an insecure cookie in production', () => {
      expectRefused(
        production({ cookie: { secure: false } }),
        'cookie.secure',
        /allowInsecureCookie/,
      );
    });

    it('the memory store in production', () => {
      expectRefused(production({ store: { type: 'memory' } }), 'store', /allowMemoryStore/);
      expectRefused(production({ store: undefined }), 'store', /allowMemoryStore/);
    });

    it('SameSite=None without Secure', () => {
      expectRefused({ cookie: { sameSite: 'none' } }, 'cookie.sameSite', /[Ss]ecure/);
      expectRefused({ cookie: { sameSite: 'none', secure: false } }, 'cookie.sameSite');
      expectRefused({ cookie: { sameSite: 'none', secure: 'auto' } }, 'cookie.sameSite');
    });

    it('a non-positive cookie maxAge', () => {
      expectRefused({ cookie: { maxAge: 0 } }, 'cookie.maxAge');
      expectRefused({ cookie: { maxAge: -1_000 } }, 'cookie.maxAge');
    });

    it('non-positive durations', () => {
      expectRefused({ idleTimeout: 0 }, 'idleTimeout');
      expectRefused({ absoluteTimeout: -1 }, 'absoluteTimeout');
      expectRefused({ freshLoginMaxAge: 0 }, 'freshLoginMaxAge');
      expectRefused({ rotateEvery: 0 }, 'rotateEvery');
      expectRefused({ maxSessionsPerUser: 0 }, 'maxSessionsPerUser');
      expectRefused({ activityResolution: 0 }, 'activityResolution');
    });

    it('a non-positive store ttl, as store.ttl', () => {
      expectRefused({ store: { type: 'memory', ttl: 0 } }, 'store.ttl');
    });

    it('a store of an unknown shape', () => {
      const bad = (store: unknown) => ({ store: store as SessionModuleOptions['store'] });
      expectRefused(bad({ type: 'mysql' }), 'store', /memory.*redis.*postgres/);
      expectRefused(bad('redis'), 'store');
      expectRefused(bad({ get: () => undefined }), 'store');
    });

    it('a PostgreSQL store without a connection, with two, or with names that are not identifiers', () => {
      const pg = (store: Record<string, unknown>) =>
        ({ store: { type: 'postgres', ...store } }) as unknown as SessionModuleOptions;
      const url = 'postgres://localhost/app';
      expectRefused(pg({}), 'store', /connectionString or a pool/);
      expectRefused(pg({ connectionString: url, pool: { query: () => undefined } }), 'store.pool');
      expectRefused(pg({ connectionString: 'mysql://localhost/app' }), 'store.connectionString');
      expectRefused(pg({ connectionString: url, table: 'x; drop table y' }), 'store.table');
      expectRefused(pg({ connectionString: url, schema: 'a"b' }), 'store.schema');
      expectRefused(pg({ connectionString: url, table: 'x'.repeat(50) }), 'store.table');
      expectRefused(pg({ connectionString: url, prune: { interval: 0 } }), 'store.prune.interval');
      expectRefused(pg({ connectionString: url, prune: true }), 'store.prune');
      expectRefused(pg({ connectionString: url, createTables: 'yes' }), 'store.createTables');
      expectRefused(pg({ connectionString: url, poolSize: 0 }), 'store.poolSize');
    });

    it('an allowed origin that is not an origin', () => {
      for (const origin of ['front.example', 'ftp://front.example', 'https://front.example/app']) {
        expectRefused({ csrf: { allowedOrigins: [origin] } }, 'csrf.allowedOrigins');
      }
    });

    it('a memory store bound that is not a positive integer', () => {
      expectRefused({ store: { type: 'memory', maxSessions: 0 } }, 'store.maxSessions');
      expectRefused({ store: { type: 'memory', maxSessions: 1.5 } }, 'store.maxSessions');
    });

    it('a Redis store without url or client', () => {
      expectRefused({ store: { type: 'redis' } }, 'store', /url or a client/);
    });

    it('a Redis URL that is not redis:// or rediss://', () => {
      expectRefused({ store: { type: 'redis', url: 'http://127.0.0.1:6379' } }, 'store.url');
    });

    it('a Redis store given two ways to connect', () => {
      const cluster = { rootNodes: ['127.0.0.1:7000'] };
      expectRefused(
        { store: { type: 'redis', url: 'redis://127.0.0.1:6379', cluster } },
        'store.cluster',
        /url and cluster/,
      );
      const sentinel = { sentinels: ['127.0.0.1:26379'], name: 'mymaster' };
      expectRefused({ store: { type: 'redis', cluster, sentinel } }, 'store.sentinel');
    });

    it('a Redis Cluster without seed nodes, or with one that is not host:port', () => {
      const cluster = (value: unknown) => ({
        store: { type: 'redis', cluster: value } as SessionModuleOptions['store'],
      });
      expectRefused(cluster({ rootNodes: [] }), 'store.cluster.rootNodes');
      expectRefused(cluster({}), 'store.cluster.rootNodes');
      expectRefused(cluster({ rootNodes: ['127.0.0.1'] }), 'store.cluster.rootNodes', /host:port/);
      expectRefused(cluster({ rootNodes: ['h:99999'] }), 'store.cluster.rootNodes');
      expectRefused(cluster('127.0.0.1:7000'), 'store.cluster', /object/);
      expectRefused(
        cluster({ rootNodes: ['127.0.0.1:7000'], seeds: [] }),
        'store.cluster.seeds',
        /not an option/,
      );
    });

    it('Redis Sentinel without sentinels or without the master name', () => {
      const sentinel = (value: unknown) => ({
        store: { type: 'redis', sentinel: value } as SessionModuleOptions['store'],
      });
      expectRefused(sentinel({ sentinels: [], name: 'mymaster' }), 'store.sentinel.sentinels');
      expectRefused(
        sentinel({ sentinels: ['sentinel-1'], name: 'mymaster' }),
        'store.sentinel.sentinels',
        /host:port/,
      );
      expectRefused(sentinel({ sentinels: ['127.0.0.1:26379'] }), 'store.sentinel.name');
      expectRefused(sentinel({ sentinels: ['127.0.0.1:26379'], name: ' ' }), 'store.sentinel.name');
    });

    it('accepts a Redis Cluster by seeds and Redis Sentinel by sentinels and name', () => {
      expect(() =>
        resolve({
          store: {
            type: 'redis',
            cluster: { rootNodes: ['127.0.0.1:7000', 'rediss://cache.internal:7001'] },
          },
        }),
      ).not.toThrow();
      expect(() =>
        resolve({
          store: {
            type: 'redis',
            sentinel: { sentinels: ['127.0.0.1:26379', '[::1]:26380'], name: 'mymaster' },
          },
        }),
      ).not.toThrow();
    });

    it('a __Host- cookie name without Secure or with a Domain', () => {
      expectRefused({ name: '__Host-sid', cookie: { secure: false } }, 'name');
      expectRefused(production({ cookie: { domain: 'example.com' } }), 'name');
    });

    it('an unknown SameSite or unset value', () => {
      const loose = (options: Record<string, unknown>) => options as Partial<SessionModuleOptions>;
      expectRefused(loose({ cookie: { sameSite: 'sometimes' } }), 'cookie.sameSite');
      expectRefused(loose({ unset: 'forget' }), 'unset');
    });

    it('page history limits that are not positive integers, or a filter that is no function', () => {
      const loose = (pageHistory: unknown) => ({ pageHistory }) as Partial<SessionModuleOptions>;
      expectRefused(loose({ maxPages: 0 }), 'pageHistory.maxPages');
      expectRefused(loose({ maxPathLength: 1.5 }), 'pageHistory.maxPathLength');
      expectRefused(loose({ isPage: 'yes' }), 'pageHistory.isPage');
      expectRefused(loose(true), 'pageHistory');
    });

    it('trustProxy: true in production, pointing to the hop count', () => {
      expectRefused(production({ trustProxy: true }), 'trustProxy', /number of proxies in front/);
    });

    it('trustProxy values that are no hop count, address or subnet', () => {
      for (const trustProxy of [-1, 1.5, '', 'yes', '10.0.0.0/33', '::1/129', ['10.0.0.1', 'x']]) {
        expectRefused({ trustProxy }, 'trustProxy');
      }
    });

    it('an unknown bindingMismatch, or a noStore that is no boolean', () => {
      const loose = (options: Record<string, unknown>) => options as Partial<SessionModuleOptions>;
      expectRefused(loose({ bindingMismatch: 'logout' }), 'bindingMismatch');
      expectRefused(loose({ noStore: 'yes' }), 'noStore');
    });
  });

  describe('trustProxy, bindingMismatch and noStore', () => {
    it('accept false, hop counts, addresses, subnets and named ranges', () => {
      const accepted = [
        false,
        0,
        1,
        3,
        '10.0.0.1',
        '10.0.0.0/8, 192.0.2.7',
        '10.0.0.0/255.0.0.0',
        'loopback, linklocal, uniquelocal',
        '2001:db8::/32',
        ['10.0.0.1', '::1'],
      ];
      for (const trustProxy of accepted) {
        expect(resolve(production({ trustProxy })).trustProxy).toEqual(trustProxy);
      }
      expect(resolve({ production: false, trustProxy: true }).trustProxy).toBe(true);
    });

    it('default to refusing a binding mismatch (the session lives on) and to no-store', () => {
      const options = resolve({});
      expect(options.bindingMismatch).toBe('refuse');
      expect(options.noStore).toBe(true);
      expect(resolve({ bindingMismatch: 'end', noStore: false })).toMatchObject({
        bindingMismatch: 'end',
        noStore: false,
      });
    });
  });
});
