import type { Store } from 'express-session';
import type { ResolvedSessionOptions } from '../../session.options';
import { RedisSessionStore } from './redis-session.store';
import { MemoryRegistryBackend } from '../memory/memory-registry.backend';
import { RedisRegistryBackend } from './redis-registry.backend';
import type { SessionRegistryBackend } from '../session-registry.backend';

const THIRTY_DAYS_SECONDS = 30 * 86_400;

/** @internal the index lives beside the sessions: in Redis with the Redis store, else in memory. */
export function createRegistryBackend(
  store: Store,
  options: ResolvedSessionOptions,
): SessionRegistryBackend {
  if (!(store instanceof RedisSessionStore)) return new MemoryRegistryBackend();
  const lifetime =
    options.absoluteTimeout === false
      ? THIRTY_DAYS_SECONDS
      : Math.ceil(options.absoluteTimeout / 1000);
  return new RedisRegistryBackend(
    store.commands,
    store.metaPrefix,
    lifetime + options.storeTtlSeconds,
  );
}
