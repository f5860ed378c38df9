import { Logger } from '@nestjs/common';
import { utcDayOf } from '../../analytics/analytics-days';
import type { RedisStoreOptions, ResolvedSessionOptions } from '../../session.options';
import type { SessionBackend } from '../backend';
import { analyticsActiveWindowMs, registryLifetimeSeconds } from '../backend-lifetimes';
import { probeHealth } from '../probe-health';
import { DEFAULT_COMMAND_TIMEOUT_MS, toSessionStoreError } from '../store-error';
import { MergingStoreAccess } from '../store-access';
import { RedisAnalyticsBackend } from './redis-analytics.backend';
import { pingRedis } from './redis-client';
import { connectRedis } from './redis-connection';
import { RedisRegistryBackend } from './redis-registry.backend';
import { ReplicaWait } from './replica-wait';
import { RedisSessionStore } from './redis-session.store';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_LOGIN_REPLICA_WAIT_MS = 100;

/**
 * Redis (standalone, cluster or sentinel) for everything: sessions, the per-user registry and the
 * analytics, shared by every instance. A client the backend created is closed at shutdown; a
 * client passed in stays its owner's.
 */
export async function createRedisBackend(
  config: RedisStoreOptions,
  options: ResolvedSessionOptions,
): Promise<SessionBackend> {
  const owns = !config.client;
  const logger = new Logger('SessionModule');
  const client =
    config.client ??
    (await connectRedis(config, {
      connectTimeout: config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
      logger,
    }));
  const commandTimeoutMs = config.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const store = new RedisSessionStore({
    client,
    prefix: config.prefix ?? 'sess:',
    ttlSeconds: options.storeTtlSeconds,
    commandTimeout: commandTimeoutMs,
  });
  const { commands, metaPrefix } = store;
  const registry = new RedisRegistryBackend(commands, metaPrefix, registryLifetimeSeconds(options));
  const replicaWaitMs = config.loginReplicaWait ?? DEFAULT_LOGIN_REPLICA_WAIT_MS;
  const replicaWait =
    replicaWaitMs === false ? undefined : new ReplicaWait(commands, replicaWaitMs, logger);
  const access = new MergingStoreAccess(store);
  return {
    kind: 'redis',
    store,
    access,
    registry,
    analytics: new RedisAnalyticsBackend(
      commands,
      metaPrefix,
      analyticsActiveWindowMs(options),
      utcDayOf,
    ),
    shared: true,
    commandTimeoutMs,
    redisClient: client,
    health: (timeoutMs) => probeHealth(() => pingRedis(client), timeoutMs),
    confirmLogin: replicaWait
      ? (sid, userId) =>
          replicaWait.after([store.keyOf(access.storedIdOf(sid)), registry.keyOf(userId)])
      : undefined,
    toStoreError: (err, action) => toSessionStoreError(action, err),
    close: async () => {
      if (!owns) return;
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}
