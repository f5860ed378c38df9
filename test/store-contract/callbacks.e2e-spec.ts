import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFileSync } from 'node:child_process';
import { REDIS_URL } from '../support/app-factory';
import { ROOT } from '../support/sample-process';

const run = promisify(execFile);
const LIBRARY_INDEX = path.join(ROOT, 'libs/session/dist/index.js');
const PROBE = path.join(ROOT, 'test/store-contract/support/callback-probe.js');

/** The probe runs the built library (CI builds before testing); built here when missing. */
beforeAll(() => {
  if (!existsSync(LIBRARY_INDEX)) {
    execFileSync('npx', ['nest', 'build', 'session'], { cwd: ROOT, stdio: 'pipe' });
  }
}, 120_000);

describe.each([
  ['memory store', ['memory']],
  ['Redis store', ['redis', REDIS_URL]],
])('callbacks of the %s', (_name, args) => {
  it('run exactly once each, outside any promise chain: a throw in one is no unhandled rejection', async () => {
    const { stdout } = await run(process.execPath, [PROBE, LIBRARY_INDEX, ...args], {
      cwd: ROOT,
      timeout: 20_000,
    });
    const report = JSON.parse(stdout) as {
      calls: Record<string, number>;
      uncaught: number;
      unhandled: number;
    };
    expect(report.calls).toEqual({
      get: 1,
      'get missing': 1,
      set: 1,
      touch: 1,
      all: 1,
      length: 1,
      ids: 1,
      destroy: 1,
    });
    expect(report.uncaught).toBe(8);
    expect(report.unhandled).toBe(0);
  });
});
