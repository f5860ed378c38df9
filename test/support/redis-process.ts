import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { answersPing } from './redis-server';

const run = promisify(execFile);
const START_TIMEOUT_MS = 10_000;

/** Every redis-server a test started and has not stopped yet, killed by pid if the worker exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A fresh directory in RAM (/dev/shm) for the files Redis insists on writing (a cluster node's
 * `nodes.conf`, a sentinel's rewritten config): nothing a test starts touches the disk.
 */
export async function ramDir(label: string): Promise<string> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtemp(path.join(base, `nest-session-kit-${label}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** One redis-server (or sentinel) child process on a loopback port. */
export class RedisProcess {
  private child?: ChildProcess;
  private spawnError?: Error;
  private output = '';

  constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    const child = this.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** The last lines it logged (stdout), for failure messages. */
  get log(): string {
    return this.output.split('\n').slice(-20).join('\n');
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.spawnError = undefined;
    running.add(child);
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-8000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (err) => (this.spawnError = err));
    child.once('exit', () => running.delete(child));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const failure = this.spawnError as Error | undefined;
      if (failure) throw new Error(`redis-server: ${failure.message}`);
      if (!this.isRunning) {
        throw new Error(`redis-server on ${this.port} exited (${child.exitCode}):\n${this.log}`);
      }
      if (await answersPing(this.port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await sleep(50);
    }
  }

  /** SIGKILL by pid (a crash, as far as the others can tell), and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** `redis-cli -h 127.0.0.1 ...args`: its stdout. */
export async function redisCli(args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', ...args], { timeout: 15_000 });
  return stdout;
}

/** An INFO-style reply (`field:value` lines) as fields. */
export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}

/** `INFO <section>` (or `CLUSTER INFO`) of one node as fields; empty when it does not answer. */
export async function infoOf(port: number, command: string[]): Promise<Record<string, string>> {
  try {
    return parseFields(await redisCli(['-p', String(port), ...command]));
  } catch {
    return {};
  }
}

/** How many times the nodes on `ports` ran `command` (INFO commandstats), those that answer. */
export async function commandCallsOn(ports: number[], command: string): Promise<number> {
  const infos = await Promise.all(ports.map((port) => infoOf(port, ['INFO', 'commandstats'])));
  return infos.reduce((sum, info) => {
    const match = /calls=(\d+)/.exec(info[`cmdstat_${command}`] ?? '');
    return sum + (match ? Number(match[1]) : 0);
  }, 0);
}

/**
 * A free loopback port whose cluster bus port (+10000) is free too. Picked below the ephemeral
 * range (32768 and up on Linux), so neither collides with outgoing connections, and so the bus
 * port stays a valid port.
 */
export async function freeLowPort(taken: Set<number>, busOffset = 10_000): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 12_000 + Math.floor(Math.random() * 10_000);
    if (taken.has(port) || taken.has(port - busOffset) || taken.has(port + busOffset)) continue;
    if ((await isFree(port)) && (await isFree(port + busOffset))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('No free pair of loopback ports for a Redis node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
