import { Logger } from '@nestjs/common';
import { SessionConfigurationError } from '../errors';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionAnalyticsBackend, SessionBackend, SessionRegistryBackend } from './backend';
import { createCustomStoreBackend } from './custom/custom-store.backend';
import { isExpressStore } from './is-express-store';
import { createMemoryBackend } from './memory/memory.backend';
import { createRedisBackend } from './redis/redis.backend';
import { createPostgresBackend } from './postgres/postgres.backend';
import { MergingStore } from './merging.store';
import { idsAtRestOf } from '../security/session-ids-at-rest';

const REGISTRY_METHODS = ['put', 'entries', 'remove'] as const;
const ANALYTICS_METHODS = ['recordStart', 'recordActivity', 'recordEnd', 'stats'] as const;

/**
 * @internal Picks the backend once, at start-up, from the `store` option, then puts in the
 * user's own `registry` and `analytics` backends when given (`analytics: false`: none).
 */
export async function createSessionBackend(
  options: ResolvedSessionOptions,
): Promise<SessionBackend> {
  checkParts(options);
  const built = await builtInBackend(options);
  // Every store built on MergingStore (memory, Redis, PostgreSQL, a user's) keys on the ids at
  // rest the options ask for; the custom backend puts any other store behind a HashedIdStore.
  if (built.store instanceof MergingStore) built.store.useIdsAtRest(idsAtRestOf(options));
  const registry = options.registry ?? built.registry;
  const analytics = options.analytics === false ? null : (options.analytics ?? built.analytics);
  const shared =
    built.shared || (options.registry !== undefined && options.analytics !== undefined);
  const backend: SessionBackend = { ...built, registry, analytics, shared };
  if (built.kind === 'custom') warnAboutProcessLocalParts(options);
  return backend;
}

function builtInBackend(options: ResolvedSessionOptions): Promise<SessionBackend> | SessionBackend {
  const store = options.store;
  if (isExpressStore(store)) return createCustomStoreBackend(store, options);
  if (store.type === 'memory') return createMemoryBackend(store, options);
  if (store.type === 'postgres') return createPostgresBackend(store, options);
  return createRedisBackend(store, options);
}

/**
 * A store of the user's own with a registry and analytics in memory works for one process only:
 * listing and revoking a user's sessions sees the sessions this instance created.
 */
function warnAboutProcessLocalParts(options: ResolvedSessionOptions): void {
  const local = [
    ...(options.registry
      ? []
      : ['the per-user session registry (listing, revoking, maxSessionsPerUser)']),
    ...(options.analytics === undefined ? ['the analytics'] : []),
  ];
  if (local.length === 0) return;
  new Logger('SessionModule').warn(
    `A custom express-session store is in use, so ${local.join(' and ')} live in this ` +
      'process only: with more than one instance, a user sees and revokes only the sessions ' +
      'this instance created. Pass `registry` (and `analytics`, or `analytics: false`) backed by ' +
      'your shared database to SessionModule; see the README, "Your own store".',
  );
}

function checkParts(options: ResolvedSessionOptions): void {
  if (options.registry !== undefined) checkMethods('registry', options.registry, REGISTRY_METHODS);
  if (options.analytics !== undefined && options.analytics !== false) {
    checkMethods('analytics', options.analytics, ANALYTICS_METHODS);
  }
}

function checkMethods(
  option: string,
  value: SessionRegistryBackend | SessionAnalyticsBackend,
  methods: readonly string[],
): void {
  const missing = methods.filter(
    (name) => typeof (value as unknown as Record<string, unknown>)?.[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new SessionConfigurationError(option, `must implement ${missing.join(', ')}`);
  }
}
