import { createHash } from 'node:crypto';
import type { RedisClientType, RedisClusterType, RedisSentinelType } from 'redis';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../store-error';
import { withTimeout } from '../with-timeout';
import type { RedisClientLike } from './redis-client-like';

export type { RedisClientLike } from './redis-client-like';

type Reply = unknown;

/** Which kind of node-redis client it is: they route commands differently. */
export function redisClientKind(client: RedisClientLike): 'standalone' | 'cluster' | 'sentinel' {
  if ('masters' in client) return 'cluster';
  if ('getMasterNode' in client) return 'sentinel';
  return 'standalone';
}

/**
 * Bulk strings as Buffers: the exact bytes stored, whatever their encoding. RESP marks a bulk
 * string with `$` (node-redis' RESP_TYPES.BLOB_STRING), named here so that `redis` itself is
 * loaded only when the Redis store is configured.
 */
const BLOB_STRING = '$'.charCodeAt(0);
const AS_BYTES = { typeMapping: { [BLOB_STRING]: Buffer } };

/** A Lua script run by EVALSHA, loaded with EVAL the first time a server has not seen it. */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/**
 * Sends raw commands to a standalone, cluster or sentinel client alike; each command names the key that
 * routes it, so no command spans hash slots. A command that gets no answer within the timeout
 * fails (node-redis' own timeout covers only commands not yet written to the socket, so a Redis
 * that stops answering would otherwise hang the request).
 */
export class RedisCommands {
  readonly kind: 'standalone' | 'cluster' | 'sentinel';

  constructor(
    readonly client: RedisClientLike,
    readonly timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {
    this.kind = redisClientKind(client);
  }

  get isCluster(): boolean {
    return this.kind === 'cluster';
  }

  send<T = Reply>(key: string, args: string[], options?: typeof AS_BYTES): Promise<T> {
    return withTimeout(this.sendNow<T>(key, args, options), this.timeoutMs, `Redis ${args[0]}`);
  }

  private sendNow<T>(key: string, args: string[], options?: typeof AS_BYTES): Promise<T> {
    switch (this.kind) {
      case 'cluster':
        return (this.client as RedisClusterType).sendCommand<T>(key, false, args, options);
      case 'sentinel':
        return (this.client as RedisSentinelType).sendCommand<T>(false, args, options);
      default:
        return (this.client as RedisClientType).sendCommand<T>(args, options);
    }
  }

  /** A command whose string reply comes back as the bytes stored (null when there is none). */
  sendForBytes(key: string, args: string[]): Promise<Buffer | null> {
    return this.send<Buffer | null>(key, args, AS_BYTES);
  }

  run<T = Reply>(script: LuaScript, keys: string[], args: string[]): Promise<T> {
    return this.runWith<T>(script, keys, args);
  }

  /** A script whose string replies come back as bytes. */
  runForBytes(script: LuaScript, keys: string[], args: string[]): Promise<number | Buffer | null> {
    return this.runWith<number | Buffer | null>(script, keys, args, AS_BYTES);
  }

  /**
   * Every key matching `pattern`: SCAN on a standalone server, on each master of a cluster.
   * Maintenance only, never on a request path.
   */
  async scanKeys(pattern: string): Promise<string[]> {
    const nodes = this.isCluster
      ? await Promise.all(
          (this.client as RedisClusterType).masters.map((master) =>
            (this.client as RedisClusterType).nodeClient(master),
          ),
        )
      : [this.client as RedisClientType];
    const keys = new Set<string>();
    for (const node of nodes) {
      for await (const page of node.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
        for (const key of page) keys.add(String(key));
      }
    }
    return [...keys];
  }

  private async runWith<T>(
    script: LuaScript,
    keys: string[],
    args: string[],
    options?: typeof AS_BYTES,
  ): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.send<T>(keys[0], ['EVALSHA', script.sha, ...tail], options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.send<T>(keys[0], ['EVAL', script.source, ...tail], options);
    }
  }
}

/** PING a standalone server, the master a sentinel client is on, or every master of a cluster. */
export async function pingRedis(redis: RedisClientLike): Promise<void> {
  const kind = redisClientKind(redis);
  if (kind === 'sentinel') {
    await (redis as RedisSentinelType).sendCommand(false, ['PING']);
    return;
  }
  if (kind === 'standalone') {
    await (redis as RedisClientType).ping();
    return;
  }
  const cluster = redis as RedisClusterType;
  await Promise.all(
    cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()),
  );
}
