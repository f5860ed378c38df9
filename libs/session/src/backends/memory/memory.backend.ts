import { utcDayOf } from '../../analytics/analytics-days';
import {
  DEFAULT_MEMORY_MAX_SESSIONS,
  type MemoryStoreOptions,
  type ResolvedSessionOptions,
} from '../../session.options';
import type { SessionBackend } from '../backend';
import { analyticsActiveWindowMs, registryLifetimeSeconds } from '../backend-lifetimes';
import { DEFAULT_COMMAND_TIMEOUT_MS, toSessionStoreError } from '../store-error';
import { MergingStoreAccess } from '../store-access';
import { MemoryAnalyticsBackend } from './memory-analytics.backend';
import { MemoryRegistryBackend } from './memory-registry.backend';
import { MemorySessionStore } from './memory-session.store';

/** The embedded backend: store, registry and analytics in this process's memory. */
export function createMemoryBackend(
  config: MemoryStoreOptions,
  options: ResolvedSessionOptions,
): SessionBackend {
  const store = new MemorySessionStore({
    maxSessions: config.maxSessions ?? DEFAULT_MEMORY_MAX_SESSIONS,
    ttlSeconds: options.storeTtlSeconds,
  });
  const registry = new MemoryRegistryBackend(registryLifetimeSeconds(options) * 1000);
  return {
    kind: 'memory',
    store,
    access: new MergingStoreAccess(store),
    registry,
    analytics: new MemoryAnalyticsBackend(analyticsActiveWindowMs(options), utcDayOf),
    shared: false,
    commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    health: async () => ({ status: 'up' }),
    toStoreError: (err, action) => toSessionStoreError(action, err),
    close: async () => {
      store.close();
      registry.close();
    },
  };
}
