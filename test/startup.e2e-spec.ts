import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { SessionConfigurationError } from 'nest-session-kit';
import { AppModule, type SampleEnv } from '../apps/sample/src/app.module';
import { REDIS_URL, TEST_SECRET } from './support/app-factory';
import { freePort } from './support/redis-server';
import { waitFor } from './support/redis-inspect';
import { ensureSampleBuilt, runSample, type SampleProcess } from './support/sample-process';

/** The error that creating the sample's module with `env` fails with (undefined if it starts). */
async function startupError(env: SampleEnv): Promise<unknown> {
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(env)],
    }).compile();
    await moduleRef.close();
    return undefined;
  } catch (err) {
    return err;
  }
}

function messageOf(err: unknown): string {
  expect(err).toBeInstanceOf(SessionConfigurationError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

/** Production settings that are valid but for what a test takes away. */
function productionEnv(extra: SampleEnv = {}): SampleEnv {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: TEST_SECRET,
    REDIS_URL,
    SESSION_PREFIX: `test:${randomUUID()}:sess:`,
    ...extra,
  };
}

describe('startup with a bad configuration (module creation)', () => {
  it('starts in production with a long secret and Redis (the control case)', async () => {
    expect(await startupError(productionEnv())).toBeUndefined();
  });

  it('fails within the connect timeout when Redis is unreachable, naming the URL with the password masked', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await startupError({
      SESSION_SECRET: TEST_SECRET,
      REDIS_URL: `redis://:secretpass@127.0.0.1:${port}`,
    });
    const elapsed = Date.now() - started;

    const message = messageOf(err);
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/redis/i);
    expect(message).toMatch(/unreachable/i);
    expect(message).not.toContain('secretpass');
    expect(JSON.stringify(err)).not.toContain('secretpass');
    // The default connect timeout is 5 s; allow for a busy machine, never a hang.
    expect(elapsed).toBeLessThan(6000);
  });

  it.each([
    [
      'REDIS_CLUSTER_NODES',
      'store.cluster',
      (port: number) => ({ REDIS_CLUSTER_NODES: `127.0.0.1:${port}` }),
    ],
    [
      'REDIS_SENTINELS',
      'store.sentinel',
      (port: number) => ({ REDIS_SENTINELS: `127.0.0.1:${port}` }),
    ],
  ])(
    'fails within the connect timeout when %s is unreachable, naming %s',
    async (_variable, option, env) => {
      const port = await freePort();
      const started = Date.now();
      // CI exports REDIS_URL; the variable under test must be the only store variable set.
      const err = await startupError({
        SESSION_SECRET: TEST_SECRET,
        REDIS_URL: undefined,
        ...env(port),
      });
      const message = messageOf(err);
      expect(message).toContain(`"${option}"`);
      expect(message).toContain(`127.0.0.1:${port}`);
      expect(message).toMatch(/unreachable/i);
      expect(Date.now() - started).toBeLessThan(6000);
    },
  );

  it('refuses a short SESSION_SECRET in production, naming the secret', async () => {
    const err = await startupError(productionEnv({ SESSION_SECRET: 'too-short-a-secret' }));
    const message = messageOf(err);
    expect(message).toMatch(/secret/i);
    expect(message).toContain('32');
  });

  it('refuses to start in production without SESSION_SECRET, naming it', async () => {
    const err = await startupError(productionEnv({ SESSION_SECRET: undefined }));
    const message = messageOf(err);
    expect(message).toContain('SESSION_SECRET');
    expect(message).toMatch(/required/i);
  });
});

describe('the built sample app (node dist/apps/sample/apps/sample/src/main.js)', () => {
  let sample: SampleProcess | undefined;

  beforeAll(() => {
    ensureSampleBuilt();
  }, 180_000);
  afterEach(async () => {
    await sample?.stop();
    sample = undefined;
  });

  it('exits non-zero with one line on stderr naming the secret, no stack trace, on a short secret in production', async () => {
    sample = runSample({
      NODE_ENV: 'production',
      SESSION_SECRET: 'too-short-a-secret',
      REDIS_URL,
      SESSION_PREFIX: `test:${randomUUID()}:sess:`,
      PORT: String(await freePort()),
    });

    const code = await sample.exited(20_000);

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const stderr = sample.stderr();
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SESSION_SECRET|secret/);
  });

  it('exits non-zero with one line naming them when two stores are configured', async () => {
    sample = runSample({
      REDIS_URL,
      REDIS_CLUSTER_NODES: '127.0.0.1:7000',
      PORT: String(await freePort()),
    });

    const code = await sample.exited(20_000);

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = sample
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('REDIS_URL, REDIS_CLUSTER_NODES');
    expect(lines[0]).toMatch(/at most one/);
  });

  it('answers GET /health with 200 when started normally with PORT set', async () => {
    const port = await freePort();
    sample = runSample({ PORT: String(port) });
    const running = sample;

    await waitFor(async () => {
      if (running.child.exitCode !== null) {
        throw new Error(`the sample exited: ${running.stderr()}`);
      }
      try {
        return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
      } catch {
        return false;
      }
    }, 20_000);

    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: { status: 'up' } });

    await sample.stop();
    expect(running.child.exitCode !== null || running.child.signalCode !== null).toBe(true);
  });
});
