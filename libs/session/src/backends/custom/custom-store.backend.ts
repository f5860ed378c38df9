import type { Store } from 'express-session';
import { utcDayOf } from '../../analytics/analytics-days';
import type { ResolvedSessionOptions } from '../../session.options';
import type { SessionBackend } from '../backend';
import { analyticsActiveWindowMs, registryLifetimeSeconds } from '../backend-lifetimes';
import { MemoryAnalyticsBackend } from '../memory/memory-analytics.backend';
import { MemoryRegistryBackend } from '../memory/memory-registry.backend';
import { MergingStore } from '../merging.store';
import { probeHealth } from '../probe-health';
import { DEFAULT_COMMAND_TIMEOUT_MS, toSessionStoreError } from '../store-error';
import { ExpressStoreAccess, MergingStoreAccess } from '../store-access';
import { idsAtRestOf } from '../../security/session-ids-at-rest';
import { boundStore } from './bounded-store';
import { HashedIdStore } from './hashed-id.store';

/** The id the health check reads: a read of a session that does not exist. */
const HEALTH_PROBE_SID = 'nest-session-kit-health-probe';

/**
 * Any express-session store passed as `store`, each of its calls bounded by the command timeout
 * (see bounded-store.ts). The store is the user's (never closed here); the
 * registry and analytics are in process memory unless the `registry` and `analytics` options
 * give shared ones. A store built on the exported MergingStore keeps merging writes, atomic
 * updates, reads that do not slide and the response waiting for the save; any other store is
 * put behind a HashedIdStore, so that it too keys on the ids at rest.
 */
export function createCustomStoreBackend(
  store: Store,
  options: ResolvedSessionOptions,
): SessionBackend {
  const registry = new MemoryRegistryBackend(registryLifetimeSeconds(options) * 1000);
  const ids = idsAtRestOf(options);
  const merging = store instanceof MergingStore;
  const keyed = merging || !ids.hashed ? store : new HashedIdStore(store, ids);
  return {
    kind: 'custom',
    store: keyed,
    requestStore: boundStore(keyed, DEFAULT_COMMAND_TIMEOUT_MS),
    access: merging
      ? new MergingStoreAccess(store)
      : new ExpressStoreAccess(boundStore(store, DEFAULT_COMMAND_TIMEOUT_MS), ids),
    registry,
    analytics: new MemoryAnalyticsBackend(analyticsActiveWindowMs(options), utcDayOf),
    shared: false,
    commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    health: (timeoutMs) =>
      probeHealth(() => new ExpressStoreAccess(store).peek(HEALTH_PROBE_SID), timeoutMs),
    toStoreError: (err, action) => toSessionStoreError(action, err),
    close: async () => registry.close(),
  };
}
