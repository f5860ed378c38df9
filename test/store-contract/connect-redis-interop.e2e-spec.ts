import { randomUUID } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import { createClient, type RedisClientType } from 'redis';
import { RedisSessionStore } from 'nest-session-kit';
import { REDIS_URL } from '../support/app-factory';
import { sessionWith } from './store-contract';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** connect-redis 9 and this library's Redis store on the same Redis, under the same prefix. */
describe('interop with connect-redis 9 on the same Redis', () => {
  let client: RedisClientType;
  let prefix: string;
  let ours: RedisSessionStore;
  let theirs: RedisStore;

  beforeAll(async () => {
    client = createClient({ url: REDIS_URL });
    await client.connect();
  });
  afterAll(() => client.close());
  beforeEach(() => {
    prefix = `interop:${randomUUID()}:`;
    ours = new RedisSessionStore({ client, prefix, ttlSeconds: 3600 });
    theirs = new RedisStore({ client, prefix });
  });
  afterEach(() => ours.clear());

  it('a read through our store keeps the TTL connect-redis gave its session (600 s cookie)', async () => {
    await theirs.set('s1', sessionWith(10 * MINUTE, { user: { id: 'u1', roles: ['user'] } }));
    expect(await client.ttl(`${prefix}s1`)).toBe(600);
    expect(await ours.get('s1')).toMatchObject({ user: { id: 'u1', roles: ['user'] } });
    const ttl = await client.pTTL(`${prefix}s1`);
    expect(ttl).toBeLessThanOrEqual(10 * MINUTE);
    expect(ttl).toBeGreaterThan(10 * MINUTE - 5_000);
  });

  it('our store gives a 60 s session a 60 s TTL, and connect-redis reads it as written', async () => {
    await ours.set('s2', sessionWith(MINUTE, { cart: { p1: 2 } }));
    const ttl = await client.pTTL(`${prefix}s2`);
    expect(ttl).toBeLessThanOrEqual(MINUTE);
    expect(ttl).toBeGreaterThan(MINUTE - 5_000);
    expect(await theirs.get('s2')).toMatchObject({ cart: { p1: 2 } });
  });

  it('a connect-redis session whose cookie expired reads as none through our store', async () => {
    await theirs.set('s3', sessionWith(1_000, { n: 1 }));
    await sleep(1_200);
    expect(await ours.get('s3')).toBeNull();
  });

  it('a session connect-redis touched (expiry slid, stored cookie unchanged) stays readable', async () => {
    await ours.set('s4', sessionWith(MINUTE, { n: 1 }));
    const live = sessionWith(MINUTE, { n: 1 });
    await theirs.touch('s4', live);
    expect(await ours.get('s4')).toMatchObject({ n: 1 });
    expect(await client.pTTL(`${prefix}s4`)).toBeLessThanOrEqual(MINUTE);
  });

  it('our merging write onto a connect-redis session keeps its data and its cookie TTL', async () => {
    await theirs.set('s5', sessionWith(2 * MINUTE, { a: 1 }));
    const updated = await ours.update('s5', (data) => Object.assign(data, { b: 2 }));
    expect(updated).toBe(true);
    expect(await theirs.get('s5')).toMatchObject({ a: 1, b: 2 });
    expect(await client.pTTL(`${prefix}s5`)).toBeLessThanOrEqual(2 * MINUTE);
  });

  it('both list the same sessions: ids, length, all and clear agree', async () => {
    await theirs.set('t1', sessionWith(MINUTE, { by: 'connect-redis' }));
    await ours.set('o1', sessionWith(MINUTE, { by: 'nest-session-kit' }));
    expect((await ours.ids()).sort()).toEqual(['o1', 't1']);
    expect(((await theirs.ids()) as string[]).sort()).toEqual(['o1', 't1']);
    expect(await ours.length()).toBe(2);
    expect(await theirs.length()).toBe(2);
    const all = await ours.all();
    expect(all.t1).toMatchObject({ by: 'connect-redis' });
    expect(all.o1).toMatchObject({ by: 'nest-session-kit' });
    await ours.clear();
    expect(await theirs.length()).toBe(0);
  });
});
