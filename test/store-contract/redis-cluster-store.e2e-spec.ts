import { createCluster, type RedisClusterType } from 'redis';
import { PrivateRedisCluster } from '../support/redis-cluster';
import { describeStoreContract } from './store-contract';
import { redisContractTarget } from './redis-contract-target';

const cluster = new PrivateRedisCluster();
let client: RedisClusterType;

beforeAll(async () => {
  await cluster.start();
  client = createCluster({ rootNodes: cluster.rootNodes });
  await client.connect();
}, 60_000);
afterAll(async () => {
  await client?.close();
  await cluster.stop();
});

describeStoreContract(
  redisContractTarget('Redis store on a Redis Cluster (three masters)', () => client),
);
