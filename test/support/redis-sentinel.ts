import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  freeLowPort,
  infoOf,
  ramDir,
  redisCli,
  RedisProcess,
  removeDir,
  until,
} from './redis-process';

const READY_TIMEOUT_MS = 20_000;

export interface PrivateRedisSentinelOptions {
  /** The master's name the sentinels monitor. @default 'mymaster' */
  name?: string;
  /** `down-after-milliseconds`: silence before a sentinel deems the master down. @default 1000 */
  downAfterMs?: number;
}

/**
 * A private Sentinel setup on loopback for one test file: one master, one replica and three
 * sentinels (quorum 2), their config files in RAM (a sentinel rewrites its own), nothing on disk.
 * `stop()` kills each by pid and removes the dir.
 */
export class PrivateRedisSentinel {
  readonly name: string;
  private readonly downAfterMs: number;
  private dir?: string;
  private dataNodes: RedisProcess[] = [];
  private sentinels: RedisProcess[] = [];

  constructor(options: PrivateRedisSentinelOptions = {}) {
    this.name = options.name ?? 'mymaster';
    this.downAfterMs = options.downAfterMs ?? 1000;
  }

  /** The master's and the replica's ports. */
  get dataPorts(): number[] {
    return this.dataNodes.map((node) => node.port);
  }

  get sentinelPorts(): number[] {
    return this.sentinels.map((node) => node.port);
  }

  /** `host:port,...` as the sample's REDIS_SENTINELS takes it. */
  get sentinelList(): string {
    return this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** `{ host, port }` per sentinel, for `createSentinel({ sentinelRootNodes })`. */
  get sentinelRootNodes(): { host: string; port: number }[] {
    return this.sentinelPorts.map((port) => ({ host: '127.0.0.1', port }));
  }

  async start(): Promise<void> {
    this.dir = await ramDir('sentinel');
    try {
      const taken = new Set<number>();
      const masterPort = await freeLowPort(taken);
      const replicaPort = await freeLowPort(taken);
      this.dataNodes = [
        new RedisProcess(masterPort, this.dataArgs(masterPort)),
        new RedisProcess(replicaPort, [
          ...this.dataArgs(replicaPort),
          '--replicaof',
          '127.0.0.1',
          String(masterPort),
        ]),
      ];
      await Promise.all(this.dataNodes.map((node) => node.start()));
      for (let i = 0; i < 3; i++) {
        const port = await freeLowPort(taken);
        const config = path.join(this.dir, `sentinel-${port}.conf`);
        await writeFile(config, this.sentinelConfig(port, masterPort));
        this.sentinels.push(new RedisProcess(port, [config, '--sentinel']));
      }
      await Promise.all(this.sentinels.map((node) => node.start()));
      await this.waitUntilReady(masterPort);
    } catch (err) {
      const nodes = [...this.dataNodes, ...this.sentinels];
      const logs = nodes.map((node) => `--- redis ${node.port} ---\n${node.log}`);
      await this.stop();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis Sentinel did not start: ${reason}\n${logs.join('\n')}`, {
        cause: err,
      });
    }
  }

  async stop(): Promise<void> {
    const nodes = [...this.sentinels, ...this.dataNodes];
    this.sentinels = [];
    this.dataNodes = [];
    await Promise.all(nodes.map((node) => node.kill()));
    await removeDir(this.dir);
    this.dir = undefined;
  }

  /** The master's port as the sentinels report it now. */
  async masterPort(): Promise<number> {
    for (const port of this.sentinelPorts) {
      try {
        const reply = await redisCli([
          '-p',
          String(port),
          'SENTINEL',
          'get-master-addr-by-name',
          this.name,
        ]);
        const lines = reply.split(/\r?\n/).filter(Boolean);
        if (lines.length === 2) return Number(lines[1]);
      } catch {
        // ask the next sentinel
      }
    }
    throw new Error('No sentinel names a master');
  }

  /** Kills the current master (SIGKILL by pid); resolves with its port. */
  async killMaster(): Promise<number> {
    const port = await this.masterPort();
    await this.nodeOn(port).kill();
    return port;
  }

  /** Waits until the sentinels name a master other than `oldPort` and it accepts writes. */
  async waitForNewMaster(oldPort: number, timeoutMs = READY_TIMEOUT_MS): Promise<number> {
    return until('a replica promoted by the sentinels', timeoutMs, async () => {
      const port = await this.masterPort().catch(() => undefined);
      if (port === undefined || port === oldPort) return undefined;
      const info = await infoOf(port, ['INFO', 'replication']);
      return info.role === 'master' ? port : undefined;
    });
  }

  /** Starts a killed data node again (the sentinels turn it into a replica of the new master). */
  async restartNode(port: number): Promise<void> {
    await this.nodeOn(port).start();
  }

  private nodeOn(port: number): RedisProcess {
    const node = this.dataNodes.find((each) => each.port === port);
    if (!node) throw new Error(`No Redis data node on ${port}`);
    return node;
  }

  private dataArgs(port: number): string[] {
    return [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir as string,
      '--save',
      '',
      '--appendonly',
      'no',
    ];
  }

  private sentinelConfig(port: number, masterPort: number): string {
    return [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${this.dir}`,
      `sentinel monitor ${this.name} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${this.name} ${this.downAfterMs}`,
      `sentinel failover-timeout ${this.name} 10000`,
      `sentinel parallel-syncs ${this.name} 1`,
      '',
    ].join('\n');
  }

  /** The replica in sync and every sentinel aware of the master, its replica and the others. */
  private async waitUntilReady(masterPort: number): Promise<void> {
    const replica = this.dataNodes[1];
    await until('the replica in sync with the master', READY_TIMEOUT_MS, async () => {
      const info = await infoOf(replica.port, ['INFO', 'replication']);
      return info.master_link_status === 'up' ? true : undefined;
    });
    await until(
      'every sentinel seeing the replica and two other sentinels',
      READY_TIMEOUT_MS,
      async () => {
        const views = await Promise.all(
          this.sentinelPorts.map((port) => infoOf(port, ['INFO', 'sentinel'])),
        );
        const expected = new RegExp(
          `name=${this.name},status=ok,address=127\\.0\\.0\\.1:${masterPort},slaves=1,sentinels=3`,
        );
        return views.every((view) => expected.test(view.master0 ?? '')) ? true : undefined;
      },
    );
  }
}
