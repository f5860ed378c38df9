import { execFile } from 'node:child_process';
import { chown, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freeLowPort, ramDir, removeDir, sleep } from './redis-process';

const run = promisify(execFile);
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_MS = 15_000;

/** Every postmaster a test started and has not stopped yet, killed by pid if the worker exits. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
});

/**
 * A PostgreSQL cluster of its own (initdb + pg_ctl) in a directory in RAM, on a loopback port
 * below the ephemeral range, trusting every local connection as `postgres`. For the tests that
 * stop the database: the machine's PostgreSQL on 5432 is shared by every suite and never stopped.
 * initdb and the server refuse to run as root; as root they run as the `postgres` user.
 */
export class PrivatePostgres {
  private pid?: number;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** A fresh cluster (initdb), not started yet. */
  static async create(): Promise<PrivatePostgres> {
    const dir = await ramDir('postgres');
    const port = await freeLowPort(new Set(), 0);
    const server = new PrivatePostgres(dir, port);
    try {
      if (asRoot()) {
        const { uid, gid } = await postgresUser();
        await chown(dir, uid, gid);
      }
      await server.exec('initdb', [
        '-D',
        server.dataDir,
        '-A',
        'trust',
        '-U',
        'postgres',
        '-N',
        '--no-instructions',
      ]);
    } catch (err) {
      await removeDir(dir);
      throw err;
    }
    return server;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** The URL of its `postgres` database (trust: no password). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get isRunning(): boolean {
    return this.pid !== undefined;
  }

  /** Starts it on its port (the same one every time) and waits until it answers a query. */
  async start(): Promise<void> {
    if (this.isRunning) return;
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=50',
      // Its shared memory segments in its data directory, removed with it, not in /dev/shm.
      '-c dynamic_shared_memory_type=mmap',
    ].join(' ');
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      String(START_TIMEOUT_MS / 1000),
      'start',
    ]);
    const pidFile = await readFile(path.join(this.dataDir, 'postmaster.pid'), 'utf8');
    this.pid = Number(pidFile.split('\n')[0]);
    running.add(this.pid);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await this.answers())) {
      if (Date.now() > deadline) {
        throw new Error(`private PostgreSQL did not answer on ${this.port}:\n${await this.log()}`);
      }
      await sleep(50);
    }
  }

  /** `pg_ctl stop -m immediate`: every connection drops at once, as in a crash. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    running.delete(this.pid as number);
    this.pid = undefined;
  }

  /** Stops it if running and removes its directory. */
  async destroy(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await removeDir(this.dir);
    }
  }

  /** The last lines of the server log, for failure messages. */
  async log(): Promise<string> {
    const text = await readFile(path.join(this.dir, 'server.log'), 'utf8').catch(() => '');
    return text.split('\n').slice(-20).join('\n');
  }

  /** A query on a short-lived connection of its own. */
  async query<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  private async answers(): Promise<boolean> {
    try {
      await this.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const file = path.join(BIN, tool);
    const [command, argv] = asRoot()
      ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
      : [file, args];
    try {
      await run(command, argv, { timeout: 30_000, cwd: this.dir });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`${tool} failed: ${e.message}\n${e.stderr ?? ''}\n${await this.log()}`, {
        cause: err,
      });
    }
  }
}

function asRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']);
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (!uid || !gid) throw new Error(`no postgres user to run PostgreSQL as root: ${stdout}`);
  return { uid: Number(uid), gid: Number(gid) };
}
