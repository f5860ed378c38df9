import path from 'node:path';
import type { RedisClusterType } from 'redis';
import {
  freeLowPort,
  infoOf,
  ramDir,
  redisCli,
  RedisProcess,
  removeDir,
  until,
} from './redis-process';

const CLUSTER_OK_TIMEOUT_MS = 20_000;

export interface PrivateRedisClusterOptions {
  /** Masters, each owning a third (or so) of the slots. @default 3 */
  masters?: number;
  /** Replicas per master (a failover needs one). @default 0 */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a node may be silent before it counts as failing. @default 15000 */
  nodeTimeoutMs?: number;
}

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeInfo {
  port: number;
  role: 'master' | 'replica';
  /** For a replica, the port of its master. */
  masterPort?: number;
  failed: boolean;
}

/**
 * A private Redis Cluster on loopback for one test file (its `nodes.conf` files in RAM, nothing on
 * disk): `start()` launches the redis-server processes, joins them with
 * `redis-cli --cluster create` and waits until every node reports `cluster_state:ok` (and every
 * replica is in sync); `stop()` kills each by pid and removes the dir.
 */
export class PrivateRedisCluster {
  private nodes: RedisProcess[] = [];
  private dir?: string;
  private readonly masters: number;
  private readonly replicasPerMaster: number;
  private readonly nodeTimeoutMs: number;

  constructor(options: PrivateRedisClusterOptions = {}) {
    this.masters = options.masters ?? 3;
    this.replicasPerMaster = options.replicasPerMaster ?? 0;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? 15_000;
  }

  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /** The seed URLs, one per node, for `createCluster({ rootNodes })`. */
  get rootNodes(): { url: string }[] {
    return this.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` }));
  }

  /** `host:port,host:port,...` as the sample's REDIS_CLUSTER_NODES takes it. */
  get seedList(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(): Promise<void> {
    this.dir = await ramDir('cluster');
    try {
      const size = this.masters * (1 + this.replicasPerMaster);
      const taken = new Set<number>();
      for (let i = 0; i < size; i++) {
        this.nodes.push(this.nodeProcess(await freeLowPort(taken)));
      }
      await Promise.all(this.nodes.map((node) => node.start()));
      await redisCli([
        '--cluster',
        'create',
        ...this.ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        String(this.replicasPerMaster),
        '--cluster-yes',
      ]);
      await this.waitForClusterOk();
      await this.waitForReplicasInSync();
    } catch (err) {
      const logs = this.nodes.map((node) => `--- redis-server ${node.port} ---\n${node.log}`);
      await this.stop();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis Cluster did not start: ${reason}\n${logs.join('\n')}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    const nodes = this.nodes;
    this.nodes = [];
    await Promise.all(nodes.map((node) => node.kill()));
    await removeDir(this.dir);
    this.dir = undefined;
  }

  /** Kills the node on `port` (SIGKILL by pid): its replica takes over after the node timeout. */
  async killNode(port: number): Promise<void> {
    await this.nodeOn(port).kill();
  }

  /**
   * Waits until the node on `replicaPort` has been promoted (it reports itself master) and every
   * live node is back to `cluster_state:ok`; resolves with the time waited.
   */
  async waitForPromotion(replicaPort: number, timeoutMs = CLUSTER_OK_TIMEOUT_MS): Promise<number> {
    const started = Date.now();
    await until(`the replica on ${replicaPort} promoted`, timeoutMs, async () => {
      const info = await infoOf(replicaPort, ['INFO', 'replication']);
      return info.role === 'master' ? true : undefined;
    });
    await this.waitForClusterOk(timeoutMs, false);
    return Date.now() - started;
  }

  /** Starts the node on `port` again (it rejoins from its nodes.conf, as a replica if replaced). */
  async restartNode(port: number): Promise<void> {
    await this.nodeOn(port).start();
  }

  /** The topology as a live node reports it. */
  async topology(): Promise<ClusterNodeInfo[]> {
    for (const node of this.nodes.filter((each) => each.isRunning)) {
      try {
        return parseClusterNodes(await redisCli(['-p', String(node.port), 'CLUSTER', 'NODES']));
      } catch {
        // that node is unreachable: ask the next one
      }
    }
    throw new Error('No cluster node answers CLUSTER NODES');
  }

  /**
   * Waits until every running node reports `cluster_state:ok` with all slots assigned (and, with
   * `allKnown`, knows every node started).
   */
  async waitForClusterOk(timeoutMs = CLUSTER_OK_TIMEOUT_MS, allKnown = true): Promise<void> {
    const live = this.nodes.filter((node) => node.isRunning);
    await until('cluster_state:ok on every node', timeoutMs, async () => {
      const infos = await Promise.all(live.map((node) => infoOf(node.port, ['CLUSTER', 'INFO'])));
      const ready = infos.every(
        (info) =>
          info.cluster_state === 'ok' &&
          info.cluster_slots_assigned === '16384' &&
          (!allKnown || info.cluster_known_nodes === String(this.nodes.length)),
      );
      return ready ? true : undefined;
    });
  }

  private async waitForReplicasInSync(): Promise<void> {
    if (this.replicasPerMaster === 0) return;
    await until('every replica in sync with its master', CLUSTER_OK_TIMEOUT_MS, async () => {
      const topology = await this.topology();
      const replicas = topology.filter((node) => node.role === 'replica');
      if (replicas.length !== this.masters * this.replicasPerMaster) return undefined;
      const infos = await Promise.all(
        replicas.map((node) => infoOf(node.port, ['INFO', 'replication'])),
      );
      return infos.every((info) => info.master_link_status === 'up') ? true : undefined;
    });
  }

  private nodeOn(port: number): RedisProcess {
    const node = this.nodes.find((each) => each.port === port);
    if (!node) throw new Error(`No cluster node on ${port}`);
    return node;
  }

  private nodeProcess(port: number): RedisProcess {
    const dir = this.dir as string;
    return new RedisProcess(port, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      path.join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      String(this.nodeTimeoutMs),
      // A replica takes over however long it has been out of touch with its master.
      '--cluster-replica-validity-factor',
      '0',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
  }
}

function parseClusterNodes(text: string): ClusterNodeInfo[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const rows = lines.map((line) => line.split(' '));
  const portById = new Map(rows.map(([id, address]) => [id, portOf(address)]));
  return rows.map(([, address, flags, masterId]) => {
    const flagList = flags.split(',');
    const replica = flagList.includes('slave');
    return {
      port: portOf(address),
      role: replica ? 'replica' : 'master',
      masterPort: replica ? portById.get(masterId) : undefined,
      failed: flagList.includes('fail') || flagList.includes('fail?'),
    };
  });
}

/** `127.0.0.1:7000@17000` → 7000 */
function portOf(address: string): number {
  return Number(address.split('@')[0].split(':').pop());
}

/**
 * The keys matching `pattern` on each master of the cluster (SCAN on each master), in the order
 * of `cluster.masters`.
 */
export async function keysByMaster(
  cluster: RedisClusterType,
  pattern: string,
): Promise<string[][]> {
  return Promise.all(
    cluster.masters.map(async (master) => {
      const client = await cluster.nodeClient(master);
      const found: string[] = [];
      for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
        found.push(...keys);
      }
      return found;
    }),
  );
}
