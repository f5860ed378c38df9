import { freePort } from './redis-server';
import { waitFor } from './redis-inspect';
import { ensureSampleBuilt, runSample, type SampleProcess } from './sample-process';

/** A busy machine (CI runs suites in parallel) can take half a minute to start one. */
const START_TIMEOUT_MS = 90_000;

/** A built sample running as its own process on its own port. */
export interface SampleInstance {
  url: string;
  process: SampleProcess;
}

/**
 * Starts `count` sample processes with the same `env` (so the same store and secret) and waits
 * until each answers GET /health with 200. Stop them with `stopSamples`.
 */
export async function startSamples(
  count: number,
  env: Record<string, string>,
): Promise<SampleInstance[]> {
  ensureSampleBuilt();
  const instances: SampleInstance[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      instances.push({
        url: `http://127.0.0.1:${port}`,
        process: runSample({ ...env, PORT: String(port) }),
      });
    }
    await Promise.all(instances.map((instance) => untilHealthy(instance)));
    return instances;
  } catch (err) {
    await stopSamples(instances);
    throw err;
  }
}

export async function stopSamples(instances: SampleInstance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.process.stop()));
}

async function untilHealthy({ url, process }: SampleInstance): Promise<void> {
  await waitFor(async () => {
    if (process.child.exitCode !== null) {
      throw new Error(`the sample at ${url} exited: ${process.stderr()}`);
    }
    try {
      return (await fetch(`${url}/health`)).status === 200;
    } catch {
      return false;
    }
  }, START_TIMEOUT_MS);
}
