import type { RedisClientType, RedisClusterType, RedisSentinelType } from 'redis';
import type { RedisCommands } from './redis-client';
import { withTimeout } from '../with-timeout';

/**
 * Sends raw commands as one MULTI/EXEC: one round trip, applied atomically. On a cluster every
 * key must sit in the slot of `routingKey` (give them one hash tag). Bounded by the command
 * timeout, as every single command is.
 */
export async function runTransaction(
  commands: RedisCommands,
  routingKey: string,
  batch: string[][],
): Promise<unknown[]> {
  if (commands.isCluster) {
    const multi = (commands.client as RedisClusterType).multi(routingKey);
    for (const args of batch) multi.addCommand(routingKey, false, args);
    return (await withTimeout(multi.exec(), commands.timeoutMs, 'Redis MULTI')) as unknown[];
  }
  if (commands.kind === 'sentinel') {
    const multi = (commands.client as RedisSentinelType).multi();
    for (const args of batch) multi.addCommand(false, args);
    return (await withTimeout(multi.exec(), commands.timeoutMs, 'Redis MULTI')) as unknown[];
  }
  const multi = (commands.client as RedisClientType).multi();
  for (const args of batch) multi.addCommand(args);
  return (await withTimeout(multi.exec(), commands.timeoutMs, 'Redis MULTI')) as unknown[];
}
