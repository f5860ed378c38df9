import { SessionConfigurationError } from './errors';
import type { SessionModuleOptions, SessionStoreOption } from './session.options';

type EnvSource = Record<string, string | undefined> | ((name: string) => string | undefined);
type Env = (name: string) => string | undefined;

/**
 * Module options from the environment (see the README's table): SESSION_SECRET (comma-separated
 * to rotate), SESSION_NAME, SESSION_PREFIX, REDIS_URL or REDIS_CLUSTER_NODES (comma-separated
 * host:port seeds) or REDIS_SENTINELS (comma-separated host:port) with REDIS_SENTINEL_NAME
 * (default mymaster) or DATABASE_URL (PostgreSQL) with DATABASE_SCHEMA (default public), COOKIE_DOMAIN, COOKIE_SAMESITE, TRUST_PROXY,
 * ALLOWED_ORIGINS, SESSION_IDLE_TIMEOUT_MS, SESSION_ABSOLUTE_TIMEOUT_MS, SESSION_FRESH_MS,
 * SESSION_MAX_PER_USER, SESSION_BIND_IP, SESSION_BIND_USER_AGENT, SESSION_BINDING_MISMATCH,
 * SESSION_ALLOW_MEMORY_STORE, SESSION_HASH_IDS (false: the store keys on raw ids),
 * SESSION_ID_HASH_KEY (comma-separated).
 * Throws a SessionConfigurationError naming the variable when one is malformed.
 */
export function sessionOptionsFromEnv(source: EnvSource = process.env): SessionModuleOptions {
  const env: Env = typeof source === 'function' ? source : (name) => source[name];
  const production = env('NODE_ENV') === 'production';
  return {
    production,
    secret: secrets(env, production),
    name: text(env, 'SESSION_NAME'),
    store: storeFromEnv(env),
    allowMemoryStore: bool(env, 'SESSION_ALLOW_MEMORY_STORE'),
    cookie: {
      domain: text(env, 'COOKIE_DOMAIN'),
      sameSite: sameSite(env),
      secure: production,
    },
    trustProxy: trustProxy(env),
    idleTimeout: int(env, 'SESSION_IDLE_TIMEOUT_MS'),
    absoluteTimeout: int(env, 'SESSION_ABSOLUTE_TIMEOUT_MS'),
    freshLoginMaxAge: int(env, 'SESSION_FRESH_MS'),
    maxSessionsPerUser: int(env, 'SESSION_MAX_PER_USER'),
    bindIp: bool(env, 'SESSION_BIND_IP'),
    bindUserAgent: bool(env, 'SESSION_BIND_USER_AGENT'),
    bindingMismatch: bindingMismatch(env),
    csrf: { allowedOrigins: list(env, 'ALLOWED_ORIGINS') },
    idsAtRest: { hash: bool(env, 'SESSION_HASH_IDS'), key: list(env, 'SESSION_ID_HASH_KEY') },
  };
}

/** The variables that each name a store; at most one may be set. */
const STORE_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'DATABASE_URL'];

function storeFromEnv(env: Env): SessionStoreOption {
  const given = STORE_VARIABLES.filter((name) => text(env, name) !== undefined);
  if (given.length > 1) {
    throw new SessionConfigurationError(
      given.join(', '),
      `set at most one of ${STORE_VARIABLES.join(', ')}`,
    );
  }
  const prefix = text(env, 'SESSION_PREFIX');
  const url = text(env, 'REDIS_URL');
  if (url) return { type: 'redis', url, prefix };
  const rootNodes = list(env, 'REDIS_CLUSTER_NODES');
  if (rootNodes) return { type: 'redis', cluster: { rootNodes }, prefix };
  const sentinels = list(env, 'REDIS_SENTINELS');
  if (sentinels) {
    const name = text(env, 'REDIS_SENTINEL_NAME') ?? 'mymaster';
    return { type: 'redis', sentinel: { sentinels, name }, prefix };
  }
  const connectionString = text(env, 'DATABASE_URL');
  if (connectionString) {
    return { type: 'postgres', connectionString, schema: text(env, 'DATABASE_SCHEMA') };
  }
  return { type: 'memory' };
}

/** Unset in development leaves the module to generate one (with a warning). */
function secrets(env: Env, production: boolean): string[] | undefined {
  const given = list(env, 'SESSION_SECRET') ?? [];
  if (given.length > 0) return given;
  if (production) {
    throw new SessionConfigurationError('SESSION_SECRET', 'is required in production');
  }
  return undefined;
}

function text(env: Env, name: string): string | undefined {
  const value = env(name)?.trim();
  return value ? value : undefined;
}

function list(env: Env, name: string): string[] | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function int(env: Env, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new SessionConfigurationError(name, `must be a positive whole number, got "${value}"`);
  }
  return Number(value);
}

function bool(env: Env, name: string): boolean | undefined {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new SessionConfigurationError(name, `must be true or false, got "${value}"`);
}

function sameSite(env: Env): 'lax' | 'strict' | 'none' | undefined {
  const value = text(env, 'COOKIE_SAMESITE')?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'lax' || value === 'strict' || value === 'none') return value;
  throw new SessionConfigurationError(
    'COOKIE_SAMESITE',
    `must be lax, strict or none, got "${value}"`,
  );
}

function bindingMismatch(env: Env): 'refuse' | 'end' | undefined {
  const value = text(env, 'SESSION_BINDING_MISMATCH')?.toLowerCase();
  if (value === undefined || value === 'refuse' || value === 'end') return value;
  throw new SessionConfigurationError(
    'SESSION_BINDING_MISMATCH',
    `must be refuse or end, got "${value}"`,
  );
}

function trustProxy(env: Env): boolean | number | string | undefined {
  const value = text(env, 'TRUST_PROXY');
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}
