import { randomUUID } from 'node:crypto';
import { RESP_TYPES, type RedisClientType, type RedisClusterType } from 'redis';
import { RedisSessionStore } from 'nest-session-kit';
import type { ContractStore, StoreTarget } from './store-contract';

type AnyClient = RedisClientType | RedisClusterType;

const AS_BYTES = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;

/**
 * The Redis store on a client the test owns (standalone or cluster), each store under a prefix
 * of its own; the cases look inside with the same client.
 */
export function redisContractTarget(name: string, client: () => AnyClient): StoreTarget {
  return {
    name,
    async create(ttlSeconds): Promise<ContractStore> {
      const prefix = `contract:${randomUUID()}:`;
      const redis = client();
      const store = new RedisSessionStore({ client: redis, prefix, ttlSeconds });
      const bytesClient = redis.withTypeMapping(AS_BYTES);
      return {
        store,
        ttlSeconds,
        ttlOf: async (sid) => {
          const ttl = Number(await redis.pTTL(prefix + sid));
          return ttl < 0 ? null : ttl;
        },
        rawOf: async (sid) => (await bytesClient.get(prefix + sid)) as Buffer | null,
        plant: async (sid, bytes, ttlMs = 60_000) => {
          await redis.set(prefix + sid, bytes, { expiration: { type: 'PX', value: ttlMs } });
        },
        plantForeignType: async (sid) => {
          await redis.hSet(prefix + sid, 'not', 'a session');
        },
      };
    },
    async release(target) {
      await target.store.clear();
    },
  };
}
