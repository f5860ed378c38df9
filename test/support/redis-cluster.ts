import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RedisClusterType } from 'redis';
import { answersPing } from './redis-server';

const run = promisify(execFile);

/** Redis puts a node's cluster bus on its client port + 10000 (Redis 6 has no `cluster-port`). */
const BUS_PORT_OFFSET = 10_000;
const START_TIMEOUT_MS = 10_000;
const CLUSTER_OK_TIMEOUT_MS = 20_000;

interface ClusterNode {
  port: number;
  process: ChildProcess;
  logFile: string;
  spawnError?: Error;
}

/**
 * A private Redis Cluster of three masters (no replicas) on loopback, in a fresh temp dir, for
 * one test file: `start()` launches the redis-server processes, joins them with
 * `redis-cli --cluster create` and waits until every node reports `cluster_state:ok`; `stop()`
 * kills them and removes the dir.
 */
export class PrivateRedisCluster {
  private nodes: ClusterNode[] = [];
  private dir?: string;

  constructor(private readonly size = 3) {}

  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /** The seed URLs, one per node, for `createCluster({ rootNodes })`. */
  get rootNodes(): { url: string }[] {
    return this.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` }));
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'nest-session-kit-cluster-'));
    try {
      const taken = new Set<number>();
      for (let i = 0; i < this.size; i++) {
        const port = await freeClusterPort(taken);
        taken.add(port);
        this.nodes.push(this.spawnNode(port));
      }
      await Promise.all(this.nodes.map((node) => this.waitForPing(node)));
      await redisCli([
        '--cluster',
        'create',
        ...this.ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await this.waitForClusterOk();
    } catch (err) {
      const logs = await this.logs();
      await this.stop();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis Cluster did not start: ${reason}\n${logs}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    const nodes = this.nodes;
    this.nodes = [];
    await Promise.all(nodes.map(({ process: child }) => killProcess(child)));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private spawnNode(port: number): ClusterNode {
    const dir = this.dir as string;
    const logFile = path.join(dir, `redis-${port}.log`);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--logfile',
        logFile,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const node: ClusterNode = { port, process: child, logFile };
    child.on('error', (err) => (node.spawnError = err));
    return node;
  }

  private async waitForPing(node: ClusterNode): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (node.spawnError) throw new Error(`redis-server: ${node.spawnError.message}`);
      if (node.process.exitCode !== null || node.process.signalCode !== null) {
        throw new Error(`redis-server on ${node.port} exited (${node.process.exitCode})`);
      }
      if (await answersPing(node.port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${node.port}`);
      await sleep(50);
    }
  }

  private async waitForClusterOk(): Promise<void> {
    const deadline = Date.now() + CLUSTER_OK_TIMEOUT_MS;
    for (;;) {
      const infos = await Promise.all(this.ports.map((port) => clusterInfo(port)));
      const ready = infos.every(
        (info) =>
          info.cluster_state === 'ok' &&
          info.cluster_slots_assigned === '16384' &&
          info.cluster_known_nodes === String(this.size),
      );
      if (ready) return;
      if (Date.now() > deadline) {
        const states = infos.map((info, i) => `${this.ports[i]}: ${info.cluster_state}`);
        throw new Error(`cluster_state not ok on every node (${states.join(', ')})`);
      }
      await sleep(100);
    }
  }

  private async logs(): Promise<string> {
    const parts = await Promise.all(
      this.nodes.map(async ({ port, logFile }) => {
        const text = await readFile(logFile, 'utf8').catch(() => '');
        return `--- redis-server ${port} ---\n${text.split('\n').slice(-20).join('\n')}`;
      }),
    );
    return parts.join('\n');
  }
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

/** `CLUSTER INFO` of one node as fields; empty when the node does not answer. */
async function clusterInfo(port: number): Promise<Record<string, string>> {
  try {
    const text = await redisCli(['-p', String(port), 'CLUSTER', 'INFO']);
    const fields: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trim();
    }
    return fields;
  } catch {
    return {};
  }
}

async function redisCli(args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', ...args], { timeout: 15_000 });
  return stdout;
}

/**
 * A free loopback port whose cluster bus port (+10000) is free too. Picked below the ephemeral
 * range (32768 and up on Linux), so neither collides with outgoing connections, and so the bus
 * port stays a valid port (`freePort()` may hand out one above 55535).
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 12_000 + Math.floor(Math.random() * 10_000);
    if (taken.has(port) || taken.has(port - BUS_PORT_OFFSET) || taken.has(port + BUS_PORT_OFFSET))
      continue;
    if ((await isFree(port)) && (await isFree(port + BUS_PORT_OFFSET))) return port;
  }
  throw new Error('No free pair of loopback ports for a cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function killProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
