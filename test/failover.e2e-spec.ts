import { randomUUID } from 'node:crypto';
import { TEST_SECRET } from './support/app-factory';
import { FailoverLoad, reportFailover } from './support/failover-load';
import { PrivateRedisCluster } from './support/redis-cluster';
import { commandCallsOn } from './support/redis-process';
import { PrivateRedisSentinel } from './support/redis-sentinel';
import { startSamples, stopSamples, type SampleInstance } from './support/sample-instances';

/** Sessions signed in (and acknowledged) before the master is stopped. */
const SIGNED_IN_BEFORE = 300;
/** Clients sending requests, one at a time each, through the failover. */
const CLIENTS = 8;

interface Topology {
  label: string;
  start(): Promise<Record<string, string>>;
  /** Stops a master; resolves once its replica has taken over, with the time that took. */
  failOver(): Promise<number>;
  /** The ports of the nodes that hold data (masters and replicas). */
  dataPorts(): number[];
  stop(): Promise<void>;
}

function cluster(): Topology {
  const redis = new PrivateRedisCluster({ replicasPerMaster: 1, nodeTimeoutMs: 2000 });
  return {
    label: 'a Redis Cluster (3 masters, 3 replicas)',
    start: async () => {
      await redis.start();
      return { REDIS_CLUSTER_NODES: redis.seedList };
    },
    failOver: async () => {
      const topology = await redis.topology();
      const master = topology.find((node) => node.role === 'master');
      const replica = topology.find((node) => node.masterPort === master?.port);
      if (!master || !replica) throw new Error('no master with a replica');
      await redis.killNode(master.port);
      return redis.waitForPromotion(replica.port);
    },
    dataPorts: () => redis.ports,
    stop: () => redis.stop(),
  };
}

function sentinel(): Topology {
  const redis = new PrivateRedisSentinel({ downAfterMs: 1000 });
  return {
    label: 'Redis Sentinel (1 master, 1 replica, 3 sentinels)',
    start: async () => {
      await redis.start();
      return { REDIS_SENTINELS: redis.sentinelList, REDIS_SENTINEL_NAME: redis.name };
    },
    failOver: async () => {
      const started = Date.now();
      const old = await redis.killMaster();
      await redis.waitForNewMaster(old);
      return Date.now() - started;
    },
    dataPorts: () => redis.dataPorts,
    stop: () => redis.stop(),
  };
}

describe.each([cluster, sentinel])('failover under load', (makeTopology) => {
  const topology = makeTopology();
  let instances: SampleInstance[] = [];

  beforeAll(async () => {
    const storeEnv = await topology.start();
    instances = await startSamples(1, {
      ...storeEnv,
      SESSION_SECRET: TEST_SECRET,
      SESSION_PREFIX: `test:${randomUUID()}:sess:`,
      SESSION_MAX_PER_USER: '100000',
      LOGIN_MAX_ATTEMPTS: '1000000',
      LOGIN_IP_MAX_FAILURES: '1000000',
    });
  }, 120_000);

  afterAll(async () => {
    try {
      await stopSamples(instances);
    } finally {
      await topology.stop();
    }
  }, 30_000);

  it(`on ${topology.label}: 503 or success while the replica is promoted, never a 500 or an anonymous answer; nothing acknowledged is lost`, async () => {
    const load = new FailoverLoad(instances[0].url);
    await load.signIn(SIGNED_IN_BEFORE);
    // Each login waited for a replica (WAIT 1) before it was answered: that is what keeps it.
    expect(await commandCallsOn(topology.dataPorts(), 'wait')).toBeGreaterThanOrEqual(
      SIGNED_IN_BEFORE,
    );
    load.start(CLIENTS);
    await load.runFor(1000);

    const stoppedAt = Date.now();
    const promotionMs = await topology.failOver();
    const recoveredAt = await load.untilHealthyFor(3000, 60_000);
    await load.stop();
    const lost = await load.sessionsLost();

    const report = load.report(stoppedAt, recoveredAt, promotionMs, lost);
    reportFailover(topology.label, report);

    expect(report.violations).toEqual([]);
    expect(report.during.unavailable).toBeGreaterThan(0);
    expect(report.after.ok).toBeGreaterThan(0);
    expect(lost).toEqual({ checked: load.acknowledged.length, lost: 0 });
  }, 120_000);
});
