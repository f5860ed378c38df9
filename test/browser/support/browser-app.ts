import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../../support/app-factory';
import type { SampleEnv } from '../../../apps/sample/src/app.module';

export interface BrowserApp extends TestApp {
  /** http://127.0.0.1:<port>, where the browser reaches the app. */
  origin: string;
}

/** The sample, as main.ts configures it, listening on a free port of 127.0.0.1. */
export async function startBrowserApp(env: SampleEnv = {}): Promise<BrowserApp> {
  const app = await createTestApp(env);
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = app.server.address() as AddressInfo;
  return { ...app, origin: `http://127.0.0.1:${port}` };
}
