import type { SessionData, Store } from 'express-session';
import type { SessionStoreError } from '../errors';
import type { ValueChange, ValueUpdate } from './merging.store';
import type { PostgresPoolLike } from '../session.options';
import type { RedisClientLike } from './redis/redis-client';
import type { SessionAnalyticsBackend } from './session-analytics.backend';
import type { SessionRegistryBackend } from './session-registry.backend';

export type { SessionAnalyticsBackend } from './session-analytics.backend';
export type { SessionRegistryBackend } from './session-registry.backend';

/** Whether the backend answers, as `SessionHealthService.check()` reports it. */
export interface SessionStoreHealth {
  status: 'up' | 'down';
  message?: string;
}

/**
 * Promise access to stored sessions for the library's own services, outside a request. Sessions
 * are addressed by stored id (`storedIdOf`, a keyed hash of the session id by default: what
 * the registry keeps), never by the id the cookie carries.
 */
export interface SessionStoreAccess {
  /** The id the session with this session id is stored under. */
  storedIdOf(sid: string): string;
  /** Reads a session without sliding its expiry (listings must not keep sessions alive). */
  peek(id: string): Promise<SessionData | null>;
  /** Changes a stored session; resolves false when it no longer exists. */
  update(id: string, change: (data: SessionData) => void): Promise<boolean>;
  /**
   * A read-modify-write as one step: `change` runs again on what another writer stored in
   * between. Stores that cannot leave it out, and `update` is used instead.
   */
  modify?(id: string, change: (data: SessionData) => void): Promise<boolean>;
  destroy(id: string): Promise<void>;
  /**
   * Atomic read-modify-write of one key of a request's session (`sid`: its session id,
   * `SessionService.update`):
   * `change` gets the value as stored now and may run more than once; the live session object
   * takes the result. Throws 409 SESSION_UPDATE_CONFLICT when conflicts outlast the retries.
   */
  updateValue<T>(
    sid: string,
    session: object,
    key: string,
    change: ValueChange<T>,
  ): Promise<ValueUpdate<T>>;
  /**
   * True when a request's session holds changes its store has not seen: the response of a
   * state-changing request then waits for the save (a failed save becomes a 503). Stores that
   * cannot tell leave it out, and their responses do not wait.
   */
  hasUnsavedChanges?(session: object): boolean;
}

/**
 * One backend (memory, Redis, a user's express-session store): the store express-session uses,
 * with the per-user registry, the analytics, the health check and the error mapping that go
 * with it. SessionModule picks one at start-up (SESSION_BACKEND); nothing else looks at which.
 */
export interface SessionBackend {
  /** 'memory', 'redis', 'postgres', or 'custom' for a store passed in. */
  readonly kind: string;
  /** The store as built by the module or passed in by the user (SESSION_STORE). */
  readonly store: Store;
  /** What express-session is given when it is not `store` itself (a user's store, bounded in time). */
  readonly requestStore?: Store;
  readonly access: SessionStoreAccess;
  readonly registry: SessionRegistryBackend;
  /** null with `analytics: false`. */
  readonly analytics: SessionAnalyticsBackend | null;
  /** True when the registry and the analytics are shared by every instance of the app. */
  readonly shared: boolean;
  /** The bound on each call the library makes to this backend, in ms. */
  readonly commandTimeoutMs: number;
  /** The node-redis client of the Redis backend (SESSION_REDIS_CLIENT), else undefined. */
  readonly redisClient?: RedisClientLike;
  /** The node-postgres pool of the PostgreSQL backend (SESSION_POSTGRES_POOL), else undefined. */
  readonly postgresPool?: PostgresPoolLike;
  health(timeoutMs: number): Promise<SessionStoreHealth>;
  /**
   * Resolves once a login's writes (its session and its index entry) are as durable as the
   * backend promises before the login is answered: on Redis with replicas, on one replica.
   */
  confirmLogin?(sid: string, userId: string): Promise<void>;
  /** What a failed call of this backend means, as the error answered with 503. */
  toStoreError(err: unknown, action: string): SessionStoreError;
  /** Closes what the backend created (clients, timers); what the user passed in stays open. */
  close(): Promise<void>;
}

/** The SessionBackend the module picked. */
export const SESSION_BACKEND = Symbol('SESSION_BACKEND');
/** The per-user registry backend in use (the backend's own, or the `registry` option). */
export const SESSION_REGISTRY_BACKEND = Symbol('SESSION_REGISTRY_BACKEND');
/** The analytics backend in use, or null with `analytics: false`. */
export const SESSION_ANALYTICS_BACKEND = Symbol('SESSION_ANALYTICS_BACKEND');
