import type { Store } from 'express-session';
import type { RequestMethod, Type, VERSION_NEUTRAL } from '@nestjs/common';
import type { Request } from 'express';
import type { RedisClientLike } from './backends/redis/redis-client-like';
import type { SessionAnalyticsBackend } from './backends/session-analytics.backend';
import type { SessionRegistryBackend } from './backends/session-registry.backend';
import { isExpressStore } from './backends/is-express-store';
import type { PageHistoryOptions } from './data/page-history.recorder';
import { SessionContextResolver } from './context/session-context.resolver';

/** A route for `forRoutes` / `exclude`, as Nest's `MiddlewareConsumer` takes it. */
export interface SessionRouteInfo {
  path: string;
  method: RequestMethod;
  version?: string | typeof VERSION_NEUTRAL | (string | typeof VERSION_NEUTRAL)[];
}

/** Cookie attributes, as express-session takes them. */
export interface SessionCookieOptions {
  /** Lifetime of the cookie in ms; unset gives a browser-session cookie. @default undefined */
  maxAge?: number;
  expires?: Date;
  /** @default true */
  httpOnly?: boolean;
  /** @default true in production, false otherwise */
  secure?: boolean | 'auto';
  /** @default 'lax' */
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  /** @default undefined (host-only cookie) */
  domain?: string;
  /** @default '/' */
  path?: string;
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
}

/** The embedded store: bounded and expiring. */
export interface MemoryStoreOptions {
  type: 'memory';
  /** Past this many sessions the least recently used is evicted. @default 10000 */
  maxSessions?: number;
  /** Server-side lifetime in seconds, slid on every read. @default derived from idleTimeout */
  ttl?: number;
}

/** A Redis Cluster the module connects to (node-redis `createCluster`), closed at shutdown. */
export interface RedisClusterStoreOptions {
  /**
   * Seed nodes as `host:port` or `redis://host:port` (`rediss://` for TLS); any one reachable
   * node is enough to find the others.
   */
  rootNodes: string[];
  /** Options for every node's client (credentials, TLS), as node-redis' `defaults`. */
  defaults?: Record<string, unknown>;
  /** Send read-only commands to replicas too. @default false (a read sees the last write) */
  useReplicas?: boolean;
  /** Maps the addresses the cluster announces to ones this app can reach (NAT, containers). */
  nodeAddressMap?:
    | Record<string, { host: string; port: number }>
    | ((address: string) => { host: string; port: number } | undefined);
}

/** The master a set of Redis Sentinels names (node-redis `createSentinel`), closed at shutdown. */
export interface RedisSentinelStoreOptions {
  /** Sentinels as `host:port`; two or three are enough to find the others. */
  sentinels: string[];
  /** The name the sentinels monitor the master under (`sentinel monitor <name> ...`). */
  name: string;
  /** Options for the clients of the master (credentials, TLS, database). */
  nodeClientOptions?: Record<string, unknown>;
  /** Options for the clients of the sentinels (their own credentials). */
  sentinelClientOptions?: Record<string, unknown>;
}

/**
 * Redis on node-redis: give exactly one of `url`, `cluster`, `sentinel` (a client the module
 * creates, connects and closes) or `client` (yours).
 */
export interface RedisStoreOptions {
  type: 'redis';
  /** A standalone Redis: `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. */
  url?: string;
  /** A Redis Cluster by its seed nodes. */
  cluster?: RedisClusterStoreOptions;
  /** Redis Sentinel: the master it names now, followed through failovers. */
  sentinel?: RedisSentinelStoreOptions;
  /** A connected node-redis client (standalone, cluster or sentinel) that stays its owner's to close. */
  client?: RedisClientLike;
  /** @default 'sess:' */
  prefix?: string;
  /** Server-side lifetime in seconds, slid on every read. @default derived from idleTimeout */
  ttl?: number;
  /** How long the start-up connection may take, in ms. @default 5000 */
  connectTimeout?: number;
  /** How long one command may take before the request gets a 503, in ms. @default 2000 */
  commandTimeout?: number;
  /**
   * Where the client knows of replicas (a cluster with replicas, Sentinel): how long a login
   * waits, at most, for one replica to acknowledge its writes (Redis WAIT) before it is
   * answered, so that a master failing right after cannot lose an acknowledged login. Past it
   * the login is answered anyway and a warning is logged. `false`: do not wait. @default 100
   */
  loginReplicaWait?: number | false;
}

/** What the PostgreSQL store needs of a pool: node-postgres' `Pool` (or anything shaped like it). */
export interface PostgresPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
    release(err?: Error | boolean): void;
  }>;
  end(): Promise<void>;
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

/** Deleting expired rows: every `interval` ms, `batchSize` rows per statement, one instance at a time. */
export interface PostgresPruneOptions {
  /** @default 60000 */
  interval?: number;
  /** @default 1000 */
  batchSize?: number;
}

/**
 * PostgreSQL on node-postgres (`pg`): give exactly one of `connectionString` (a pool the module
 * creates and ends at shutdown) or `pool` (yours). Sessions, the per-user index and the analytics
 * live in tables named after `table` in `schema`.
 */
export interface PostgresStoreOptions {
  type: 'postgres';
  /** `postgres://user:password@host:port/database`. */
  connectionString?: string;
  /** A node-postgres Pool that stays its owner's to end. */
  pool?: PostgresPoolLike;
  /** The schema the tables live in. @default 'public' */
  schema?: string;
  /** The sessions table; the others take its name as a prefix (`sessions_users`, ...). @default 'sessions' */
  table?: string;
  /**
   * Create the schema and the tables at start-up when missing (`CREATE ... IF NOT EXISTS`).
   * `false`: they come from your migrations (`postgresSchemaSql()`), and start-up fails, naming
   * the table, when one is missing. @default true
   */
  createTables?: boolean;
  /** Server-side lifetime in seconds, slid on every read. @default derived from idleTimeout */
  ttl?: number;
  /** How expired rows are deleted; `false`: not by this app (a job of your own). */
  prune?: PostgresPruneOptions | false;
  /** Connections in the pool the module creates. @default 10 */
  poolSize?: number;
  /** How long the start-up connection may take, in ms. @default 5000 */
  connectTimeout?: number;
  /**
   * How long one query may take, waiting for a free connection included, before the request
   * gets a 503, in ms. @default 2000
   */
  commandTimeout?: number;
}

export type SessionStoreOption =
  MemoryStoreOptions | RedisStoreOptions | PostgresStoreOptions | Store;

export interface CsrfOptions {
  /** `false` turns CSRF protection off. @default true */
  enabled?: boolean;
  /** Origins allowed on state-changing requests; the request's own origin is always allowed. */
  allowedOrigins?: string[];
  /** The request header that carries the token. @default 'x-csrf-token' */
  headerName?: string;
  /**
   * The form field that carries the token in `application/x-www-form-urlencoded` bodies (HTML
   * forms, which cannot set headers), read when the header is absent. @default '_csrf'
   */
  fieldName?: string;
}

/** Sessions for clients that keep no cookies: the token rides in a request header. */
export interface HeaderSessionOptions {
  /**
   * Accept sessions issued with `SessionService.login(req, user, { transport: 'header' })`,
   * presented as `<headerName>: <scheme> <token>`. @default false
   */
  enabled?: boolean;
  /** @default 'authorization' */
  headerName?: string;
  /** The scheme before the token; an empty string for a bare token. @default 'Bearer' */
  scheme?: string;
}

/** How session ids are kept at rest, in the store's keys and the registry. */
export interface IdsAtRestOptions {
  /**
   * Key the store on HMAC-SHA256 of the session id instead of the id, so that a copy of the
   * store (a backup, a replica, MONITOR) is not a list of live cookies. false keys on the raw
   * id, as connect-redis does: for a store shared with connect-redis apps. @default true
   */
  hash?: boolean;
  /**
   * The HMAC key; an array rotates (the first keys new writes; a session found under another
   * is moved to the first when read). The key is derived (HKDF) from it, never used as is.
   * @default the `secret` list, in its order: rotating secrets moves sessions, never loses them
   */
  key?: string | string[];
  /**
   * Look for a session not found under its hash under its raw id (stored before hashing, or by
   * connect-redis) and re-key it the first time it is read. Costs one more read only for ids
   * the store does not know. @default true
   */
  migrateRaw?: boolean;
}

export interface SessionModuleOptions {
  /**
   * Signing secret; an array rotates (the first signs, all verify). Required in production
   * (32+ characters); in development a random one is generated, with a warning, when unset.
   * @default a random secret per process in development
   */
  secret?: string | string[];
  /** Cookie name. @default 'sid', or '__Host-sid' with secure cookies */
  name?: string;
  /** @default { type: 'memory' } */
  store?: SessionStoreOption;
  cookie?: SessionCookieOptions;
  /** @default false */
  resave?: boolean;
  /** @default false */
  saveUninitialized?: boolean;
  /** @default false */
  rolling?: boolean;
  /**
   * Which reverse proxies to believe for the client's IP, protocol and country (sets Express'
   * `trust proxy`): `false` for clients that connect directly; a hop count (`1` = one load
   * balancer in front, so the client IP is the X-Forwarded-For entry that proxy appended, never
   * one the client wrote); or the proxies' addresses and subnets, as an array or a comma-separated
   * string (`10.0.0.0/8, 192.0.2.7`; `loopback`, `linklocal` and `uniquelocal` name those
   * ranges). `true` believes every hop, so any client picks its own IP: refused in production.
   * The `countryHeader` is read only from a trusted proxy. @default false
   */
  trustProxy?: boolean | number | string | string[];
  /** express-session's own `proxy` switch for secure cookies; unset follows `trust proxy`. */
  proxy?: boolean;
  /** @default 'keep' */
  unset?: 'destroy' | 'keep';
  genid?: (req: Request) => string;
  /** Production mode turns on the strict checks. @default process.env.NODE_ENV === 'production' */
  production?: boolean;
  /** Allow a non-Secure cookie in production. @default false */
  allowInsecureCookie?: boolean;
  /** Allow the memory store in production. @default false */
  allowMemoryStore?: boolean;
  /** Routes that get sessions. @default ['/'], which Nest mounts for every request */
  forRoutes?: (string | SessionRouteInfo | Type<unknown>)[];
  /** Routes that get no session. @default none */
  exclude?: (string | SessionRouteInfo)[];
  /** Roles from lowest to highest; a higher role includes the lower ones. @default ['user','moderator','admin','superadmin'] */
  roleHierarchy?: string[];
  /** How recent a login must be for `@RequireFreshLogin()`, in ms. @default 300000 */
  freshLoginMaxAge?: number;
  /** Server-side idle timeout in ms; false turns it off. @default 1800000 */
  idleTimeout?: number | false;
  /** Server-side absolute lifetime in ms; false turns it off. @default 43200000 */
  absoluteTimeout?: number | false;
  /** Refuse a session used from another IP. @default false */
  bindIp?: boolean;
  /** Refuse a session used from another user agent. @default false */
  bindUserAgent?: boolean;
  /**
   * What a binding mismatch (`bindIp`, `bindUserAgent`) does. `'refuse'`: that request gets 401
   * IP_MISMATCH / USER_AGENT_MISMATCH and runs as a new anonymous session, while the session
   * stays alive for its owner, so whoever holds a stolen cookie cannot log the user out with it.
   * `'end'`: the session is also destroyed, as on a timeout (the stricter choice, at the cost
   * that a stolen cookie can end the owner's session). @default 'refuse'
   */
  bindingMismatch?: 'refuse' | 'end';
  /** Change the session id this often (ms), keeping the data; false turns it off. @default false */
  rotateEvery?: number | false;
  /** Activity stamps change at most this often (ms). @default 60000 */
  activityResolution?: number;
  /** Concurrent sessions per user; the oldest are revoked past it. @default false (no limit) */
  maxSessionsPerUser?: number | false;
  /**
   * CSRF protection, applied to every route without registering a guard (`@SkipCsrf()` exempts
   * one); `false` turns it off. @default { enabled: true }
   */
  csrf?: CsrfOptions | false;
  /**
   * `Cache-Control: no-store` on every response to a request that has a session (anonymous or
   * signed in, loaded, created or cleared by it), so no browser or shared cache keeps session
   * data. @default true
   */
  noStore?: boolean;
  /**
   * Request header carrying the client's country, for analytics; read only on requests that come
   * through a proxy `trustProxy` believes. @default 'cf-ipcountry'
   */
  countryHeader?: string;
  /**
   * Record the pages each visitor sees in the session's navigation history (`SessionHistory`),
   * without an interceptor. @default false
   */
  pageHistory?: PageHistoryOptions | false;
  /** Header (bearer token) sessions for API and mobile clients. @default { enabled: false } */
  headerSessions?: HeaderSessionOptions;
  /**
   * Where every guard and decorator finds the request and the principal; a subclass of
   * SessionContextResolver, built with dependency injection. @default SessionContextResolver
   */
  contextResolver?: Type<SessionContextResolver>;
  /**
   * Where the per-user session index lives, when not beside the store's sessions: give one
   * backed by a database every instance shares (needed with a custom `store` and more than one
   * instance). @default the store's own (a Redis hash per user; process memory otherwise)
   */
  registry?: SessionRegistryBackend;
  /**
   * Where the session analytics are recorded, or false to record none (a login then sends no
   * analytics command). @default the store's own (Redis; process memory otherwise)
   */
  analytics?: SessionAnalyticsBackend | false;
  /** How session ids are kept at rest. @default { hash: true, key: secret, migrateRaw: true } */
  idsAtRest?: IdsAtRestOptions;
}

/** Options with every default applied; what `SESSION_OPTIONS` injects. */
export interface ResolvedSessionOptions extends Required<
  Omit<
    SessionModuleOptions,
    | 'secret'
    | 'cookie'
    | 'store'
    | 'genid'
    | 'forRoutes'
    | 'exclude'
    | 'csrf'
    | 'trustProxy'
    | 'proxy'
    | 'pageHistory'
    | 'headerSessions'
    | 'registry'
    | 'analytics'
    | 'idsAtRest'
  >
> {
  secret: string[];
  cookie: SessionCookieOptions & {
    httpOnly: boolean;
    sameSite: SessionCookieOptions['sameSite'];
    path: string;
  };
  store: SessionStoreOption;
  /** Server-side lifetime of a session in seconds, slid on every read. */
  storeTtlSeconds: number;
  genid?: (req: Request) => string;
  proxy?: boolean;
  forRoutes: (string | SessionRouteInfo | Type<unknown>)[];
  exclude: (string | SessionRouteInfo)[];
  csrf: Required<CsrfOptions>;
  trustProxy: boolean | number | string | string[];
  pageHistory: PageHistoryOptions | false;
  headerSessions: Required<HeaderSessionOptions>;
  registry?: SessionRegistryBackend;
  analytics?: SessionAnalyticsBackend | false;
  /** `key` undefined: the HMAC keys are the secrets. */
  idsAtRest: { hash: boolean; key?: string[]; migrateRaw: boolean };
}

export const DEFAULT_ROLE_HIERARCHY = ['user', 'moderator', 'admin', 'superadmin'];
export const DEFAULT_MEMORY_MAX_SESSIONS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_ABSOLUTE_TIMEOUT_MS = 12 * 3_600_000;
export const DEFAULT_FRESH_LOGIN_MS = 5 * 60_000;
export const DEFAULT_ACTIVITY_RESOLUTION_MS = 60_000;
const ONE_DAY_SECONDS = 86_400;

/** Applies defaults; call `validateSessionOptions` on the result. */
export function applySessionDefaults(options: SessionModuleOptions): ResolvedSessionOptions {
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const cookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: production,
    ...stripUndefined(options.cookie ?? {}),
  };
  const secureCookie = cookie.secure === true;
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
  const store = options.store ?? { type: 'memory' };
  return {
    secret: secretList(options.secret),
    name: options.name ?? (secureCookie ? '__Host-sid' : 'sid'),
    store,
    storeTtlSeconds: storeTtlSeconds(store, idleTimeout, cookie.maxAge),
    cookie,
    resave: options.resave ?? false,
    saveUninitialized: options.saveUninitialized ?? false,
    rolling: options.rolling ?? false,
    trustProxy: options.trustProxy ?? false,
    unset: options.unset ?? 'keep',
    genid: options.genid,
    proxy: options.proxy,
    production,
    allowInsecureCookie: options.allowInsecureCookie ?? false,
    allowMemoryStore: options.allowMemoryStore ?? false,
    forRoutes: options.forRoutes ?? ['/'],
    exclude: options.exclude ?? [],
    roleHierarchy: options.roleHierarchy ?? DEFAULT_ROLE_HIERARCHY,
    freshLoginMaxAge: options.freshLoginMaxAge ?? DEFAULT_FRESH_LOGIN_MS,
    idleTimeout,
    absoluteTimeout: options.absoluteTimeout ?? DEFAULT_ABSOLUTE_TIMEOUT_MS,
    bindIp: options.bindIp ?? false,
    bindUserAgent: options.bindUserAgent ?? false,
    bindingMismatch: options.bindingMismatch ?? 'refuse',
    rotateEvery: options.rotateEvery ?? false,
    activityResolution: options.activityResolution ?? DEFAULT_ACTIVITY_RESOLUTION_MS,
    maxSessionsPerUser: options.maxSessionsPerUser ?? false,
    csrf: csrfDefaults(options.csrf),
    noStore: options.noStore ?? true,
    countryHeader: lowerCase(options.countryHeader ?? 'cf-ipcountry'),
    pageHistory: options.pageHistory ?? false,
    headerSessions: {
      enabled: options.headerSessions?.enabled ?? false,
      headerName: lowerCase(options.headerSessions?.headerName ?? 'authorization'),
      scheme: options.headerSessions?.scheme ?? 'Bearer',
    },
    contextResolver: options.contextResolver ?? SessionContextResolver,
    registry: options.registry,
    analytics: options.analytics,
    idsAtRest: {
      hash: options.idsAtRest?.hash ?? true,
      key: options.idsAtRest?.key === undefined ? undefined : secretList(options.idsAtRest.key),
      migrateRaw: options.idsAtRest?.migrateRaw ?? true,
    },
  };
}

function secretList(secret: string | string[] | undefined): string[] {
  if (typeof secret === 'string') return [secret];
  if (Array.isArray(secret)) return [...secret];
  // Anything else is left for validateSessionOptions to name.
  return (secret ?? []) as string[];
}

function csrfDefaults(csrf: SessionModuleOptions['csrf']): Required<CsrfOptions> {
  const given = csrf === false ? { enabled: false } : (csrf ?? {});
  return {
    enabled: given.enabled ?? true,
    allowedOrigins: given.allowedOrigins ?? [],
    headerName: lowerCase(given.headerName ?? 'x-csrf-token'),
    fieldName: given.fieldName ?? '_csrf',
  };
}

function lowerCase<T>(value: T): T {
  return (typeof value === 'string' ? value.toLowerCase() : value) as T;
}

/**
 * The store keeps a session twice the idle timeout (so an idle session is still there to be
 * answered with SESSION_TIMEOUT), or as long as the cookie, or a day.
 */
function storeTtlSeconds(
  store: SessionStoreOption,
  idleTimeout: number | false,
  cookieMaxAge: number | undefined,
): number {
  const explicit = isExpressStore(store) ? undefined : store.ttl;
  if (explicit !== undefined) return explicit;
  if (idleTimeout !== false && idleTimeout > 0) return Math.ceil((2 * idleTimeout) / 1000);
  if (cookieMaxAge !== undefined && cookieMaxAge > 0) return Math.ceil(cookieMaxAge / 1000);
  return ONE_DAY_SECONDS;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
