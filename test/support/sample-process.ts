import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (npm test runs from it). */
export const ROOT = process.cwd();
/** Where `nest build sample` puts the sample's entry point. */
export const SAMPLE_MAIN = path.join(ROOT, 'dist/apps/sample/apps/sample/src/main.js');

/** Variables that configure the sample; a spawned app gets only those a test sets. */
const SAMPLE_VARIABLES =
  /^(NODE_ENV|PORT|REDIS_.*|DATABASE_URL|SESSION_.*|COOKIE_.*|TRUST_PROXY|ALLOWED_ORIGINS|LOGIN_.*|HTTP_ADAPTER)$/;

/** Builds the sample unless its entry point is already there. */
export function ensureSampleBuilt(): void {
  if (existsSync(SAMPLE_MAIN)) return;
  execFileSync('npx', ['nest', 'build', 'sample'], { cwd: ROOT, stdio: 'pipe' });
}

export interface SampleProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  /** Sends a signal if it is still running, and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * Runs the built sample (`node dist/.../main.js`) with only `env` as its configuration, on the
 * suites' platform (TEST_HTTP_ADAPTER) unless env names an HTTP_ADAPTER.
 */
export function runSample(env: Record<string, string>): SampleProcess {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SAMPLE_VARIABLES.test(name)),
  );
  const child = spawn(process.execPath, [SAMPLE_MAIN], {
    cwd: ROOT,
    env: {
      ...base,
      NO_COLOR: '1',
      HTTP_ADAPTER: process.env.TEST_HTTP_ADAPTER ?? 'express',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('close', (code) => resolve(code));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the sample did not exit within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}
