/**
 * A node-redis client, standalone (`createClient`), cluster (`createCluster`) or sentinel
 * (`createSentinel`), as the library
 * needs it. Declared by shape so that the library's types do not need the optional `redis`
 * package in apps that do not use Redis.
 */
export interface RedisClientLike {
  sendCommand(...args: never[]): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
}
