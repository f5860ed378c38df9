import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Store } from 'express-session';
import { isExpressStore } from './is-express-store';
import type {
  MemoryStoreOptions,
  RedisStoreOptions,
  ResolvedSessionOptions,
} from '../session.options';
import { DEFAULT_MEMORY_MAX_SESSIONS } from '../session.options';
import { MemorySessionStore } from './memory/memory-session.store';
import {
  connectRedisClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
  type RedisClientLike,
} from './redis/redis-client';
import { RedisSessionStore } from './redis/redis-session.store';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * @internal Builds the store the options ask for and closes what it created (a Redis client, the
 * memory store's sweeper) at shutdown; a client or store passed in is left to its owner.
 */
export class SessionStoreHost implements OnApplicationShutdown {
  private static readonly logger = new Logger('SessionModule');

  private constructor(
    readonly store: Store,
    readonly redisClient: RedisClientLike | null,
    private readonly ownsClient: boolean,
  ) {}

  static async create(options: ResolvedSessionOptions): Promise<SessionStoreHost> {
    const store = options.store;
    if (isExpressStore(store)) return new SessionStoreHost(store, null, false);
    if (store.type === 'memory')
      return new SessionStoreHost(memoryStore(store, options), null, false);
    return SessionStoreHost.redis(store, options);
  }

  private static async redis(
    config: RedisStoreOptions,
    options: ResolvedSessionOptions,
  ): Promise<SessionStoreHost> {
    const owns = !config.client;
    const client =
      config.client ??
      (await connectRedisClient(config.url as string, {
        connectTimeout: config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
        logger: SessionStoreHost.logger,
      }));
    const store = new RedisSessionStore({
      client,
      prefix: config.prefix ?? 'sess:',
      ttlSeconds: options.storeTtlSeconds,
      commandTimeout: config.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT_MS,
    });
    return new SessionStoreHost(store, client, owns);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof MemorySessionStore) this.store.close();
    if (!this.ownsClient || !this.redisClient) return;
    try {
      await this.redisClient.close();
    } catch {
      this.redisClient.destroy();
    }
  }
}

function memoryStore(config: MemoryStoreOptions, options: ResolvedSessionOptions): Store {
  return new MemorySessionStore({
    maxSessions: config.maxSessions ?? DEFAULT_MEMORY_MAX_SESSIONS,
    ttlSeconds: options.storeTtlSeconds,
  });
}
