import { createClient, type RedisClientType } from 'redis';
import { REDIS_URL } from '../support/app-factory';
import { describeStoreContract } from './store-contract';
import { redisContractTarget } from './redis-contract-target';

let client: RedisClientType;

beforeAll(async () => {
  client = createClient({ url: REDIS_URL });
  await client.connect();
});
afterAll(() => client.close());

describeStoreContract(redisContractTarget('Redis store', () => client));
