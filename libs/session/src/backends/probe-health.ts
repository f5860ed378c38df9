import type { SessionStoreHealth } from './backend';
import { describeError } from './outage-log';
import { withTimeout } from './with-timeout';

/** Up when `probe` settles without an error within `timeoutMs`, down otherwise. */
export async function probeHealth(
  probe: () => Promise<unknown>,
  timeoutMs: number,
): Promise<SessionStoreHealth> {
  try {
    await withTimeout(probe(), timeoutMs, 'health check');
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', message: describeError(err) };
  }
}
