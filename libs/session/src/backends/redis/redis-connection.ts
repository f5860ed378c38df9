import type { Logger } from '@nestjs/common';
import type { RedisClientType, RedisClusterType, RedisSentinelType } from 'redis';
import { SessionConfigurationError } from '../../errors';
import { loadOptionalDependency } from '../../optional-dependency';
import type {
  RedisClusterStoreOptions,
  RedisSentinelStoreOptions,
  RedisStoreOptions,
} from '../../session.options';
import type { RedisClientLike } from './redis-client';
import { maskUrlPassword } from '../mask-url';

export interface ConnectRedisOptions {
  connectTimeout: number;
  logger: Logger;
}

/** How long a dropped connection waits before trying again: 50 ms doubling, at most 2 s. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2000);
/** How long a cluster node may stay unreachable before the client asks for the topology again. */
const CLUSTER_TOPOLOGY_REFRESH_MS = 1000;
/** How often the sentinel client checks the sentinels' view (it also follows +switch-master). */
const SENTINEL_SCAN_INTERVAL_MS = 2000;
const LOG_EVERY_MS = 5000;
/**
 * No node-redis command timer: node-redis 6 arms a 5 s AbortSignal.timeout for every command by
 * default (about 17 µs of CPU per command, most of a cached read), and it only covers commands
 * not yet written to the socket. The store bounds every command itself (RedisCommands.send).
 */
const NO_COMMAND_TIMER = { timeout: 0 };

/**
 * Creates and connects the client `config` names (a URL, a cluster's seeds or the sentinels);
 * a SessionConfigurationError naming the option when it cannot connect within the timeout.
 */
export async function connectRedis(
  config: RedisStoreOptions,
  options: ConnectRedisOptions,
): Promise<RedisClientLike> {
  const redis = await loadOptionalDependency<typeof import('redis')>('redis', 'the Redis store');
  if (config.cluster) return connectRedisCluster(redis, config.cluster, options);
  if (config.sentinel) return connectRedisSentinel(redis, config.sentinel, options);
  return connectRedisUrl(redis, config.url as string, options);
}

type Redis = typeof import('redis');

/**
 * Creates and connects a standalone client that fails fast while Redis is away (no offline
 * queue; the store puts its own timeout on each command) and reconnects by itself.
 */
function connectRedisUrl(
  { createClient }: Redis,
  url: string,
  options: ConnectRedisOptions,
): Promise<RedisClientLike> {
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: NO_COMMAND_TIMER,
    socket: { connectTimeout: options.connectTimeout, reconnectStrategy },
  });
  return connectOrFail(client, 'store.url', `Redis at ${maskUrlPassword(url)}`, options);
}

/**
 * A cluster client on the seed nodes: node clients fail fast while their node is away and
 * reconnect by themselves, and the client re-reads the slot map when a node stays unreachable
 * (so a promoted replica takes over without a restart).
 */
function connectRedisCluster(
  { createCluster }: Redis,
  config: RedisClusterStoreOptions,
  options: ConnectRedisOptions,
): Promise<RedisClientLike> {
  const rootNodes = config.rootNodes.map((node) => ({ url: seedUrl(node) }));
  const defaults: { socket?: object } = config.defaults ?? {};
  const client = createCluster({
    rootNodes,
    useReplicas: config.useReplicas ?? false,
    nodeAddressMap: config.nodeAddressMap,
    topologyRefreshOnReconnectionAttemptStrategy: CLUSTER_TOPOLOGY_REFRESH_MS,
    commandOptions: NO_COMMAND_TIMER,
    defaults: {
      ...defaults,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeout,
        reconnectStrategy,
        ...defaults.socket,
      },
    },
  }) as unknown as RedisClusterType;
  const seeds = rootNodes.map((node) => maskUrlPassword(node.url)).join(', ');
  return connectOrFail(client, 'store.cluster', `Redis Cluster (seeds ${seeds})`, options);
}

/**
 * A client of the master the sentinels name: it follows a failover (+switch-master) by itself,
 * and commands sent while there is no master fail within the store's command timeout.
 */
function connectRedisSentinel(
  { createSentinel }: Redis,
  config: RedisSentinelStoreOptions,
  options: ConnectRedisOptions,
): Promise<RedisClientLike> {
  const sentinelRootNodes = config.sentinels.map((node) =>
    hostAndPort(node, 'store.sentinel.sentinels'),
  );
  const socket = { connectTimeout: options.connectTimeout, reconnectStrategy };
  const client = createSentinel({
    name: config.name,
    sentinelRootNodes,
    scanInterval: SENTINEL_SCAN_INTERVAL_MS,
    passthroughClientErrorEvents: true,
    commandOptions: NO_COMMAND_TIMER,
    nodeClientOptions: {
      ...config.nodeClientOptions,
      socket: { ...socket, ...(config.nodeClientOptions?.socket as object | undefined) },
    },
    sentinelClientOptions: {
      ...config.sentinelClientOptions,
      socket: { ...socket, ...(config.sentinelClientOptions?.socket as object | undefined) },
    },
  }) as unknown as RedisSentinelType;
  const where = `Redis Sentinel "${config.name}" (${sentinelRootNodes
    .map(({ host, port }) => `${host}:${port}`)
    .join(', ')})`;
  return connectOrFail(client, 'store.sentinel', where, options);
}

async function connectOrFail(
  client: RedisClientType | RedisClusterType | RedisSentinelType,
  option: string,
  where: string,
  { connectTimeout, logger }: ConnectRedisOptions,
): Promise<RedisClientLike> {
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < LOG_EVERY_MS) return;
    lastLogged = now;
    logger.warn(`${where}: ${err.message}`);
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
    void Promise.resolve(client.destroy()).catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new SessionConfigurationError(
      option,
      `${where} unreachable within ${connectTimeout} ms (${reason})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** `host:port` → `redis://host:port`; a URL stays as it is. */
export function seedUrl(node: string): string {
  return /^rediss?:\/\//.test(node) ? node : `redis://${node}`;
}

/** `host:port` (`[v6]:port` too) as its parts, or undefined. */
function parseHostAndPort(node: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(node.trim());
  const port = match ? Number(match[2]) : NaN;
  return match && port >= 1 && port <= 65535 ? { host: match[1], port } : undefined;
}

export function isHostAndPort(node: string): boolean {
  return parseHostAndPort(node) !== undefined;
}

/** `host:port` → `{ host, port }`; SessionConfigurationError naming `option` when malformed. */
function hostAndPort(node: string, option: string): { host: string; port: number } {
  const parsed = parseHostAndPort(node);
  if (!parsed) throw new SessionConfigurationError(option, `"${node}" is not a host:port address`);
  return parsed;
}
