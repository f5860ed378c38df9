import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisClientType, RedisClusterType } from 'redis';
import { SessionConfigurationError } from '../../errors';
import { loadOptionalDependency } from '../../optional-dependency';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../store-error';
import { withTimeout } from '../with-timeout';
import type { RedisClientLike } from './redis-client-like';

export type { RedisClientLike } from './redis-client-like';

type Reply = unknown;

/** Masks the password of a Redis URL so it can appear in messages. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

export interface CreateRedisClientOptions {
  connectTimeout: number;
  logger: Logger;
}

/**
 * Creates and connects a client that fails fast while Redis is away (no offline queue; the store
 * puts its own timeout on each command) and reconnects by itself with a capped backoff.
 */
export async function connectRedisClient(
  url: string,
  { connectTimeout, logger }: CreateRedisClientOptions,
): Promise<RedisClientLike> {
  const { createClient } = await loadOptionalDependency<typeof import('redis')>(
    'redis',
    'the Redis store',
  );
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
    },
  });
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < 5000) return;
    lastLogged = now;
    logger.warn(`Redis at ${maskRedisUrl(url)}: ${err.message}`);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('connect timeout')), connectTimeout);
      }),
    ]);
    return client;
  } catch (err) {
    client.destroy();
    const reason = err instanceof Error ? err.message : String(err);
    throw new SessionConfigurationError(
      'store.url',
      `Redis unreachable at ${maskRedisUrl(url)} within ${connectTimeout} ms (${reason})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** A Lua script run by EVALSHA, loaded with EVAL the first time a server has not seen it. */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/**
 * Sends raw commands to a standalone or cluster client alike; each command names the key that
 * routes it, so no command spans hash slots. A command that gets no answer within the timeout
 * fails (node-redis' own timeout covers only commands not yet written to the socket, so a Redis
 * that stops answering would otherwise hang the request).
 */
export class RedisCommands {
  constructor(
    readonly client: RedisClientLike,
    readonly timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {}

  get isCluster(): boolean {
    return 'masters' in this.client;
  }

  send<T = Reply>(key: string, args: string[]): Promise<T> {
    const reply = this.isCluster
      ? (this.client as RedisClusterType).sendCommand<T>(key, false, args)
      : (this.client as RedisClientType).sendCommand<T>(args);
    return withTimeout(reply, this.timeoutMs, `Redis ${args[0]}`);
  }

  async run<T = Reply>(script: LuaScript, keys: string[], args: string[]): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.send<T>(keys[0], ['EVALSHA', script.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.send<T>(keys[0], ['EVAL', script.source, ...tail]);
    }
  }
}

/** PING a standalone server, or every master of a cluster. */
export async function pingRedis(redis: RedisClientLike): Promise<void> {
  if (!('masters' in redis)) {
    await (redis as RedisClientType).ping();
    return;
  }
  const cluster = redis as RedisClusterType;
  await Promise.all(
    cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()),
  );
}
