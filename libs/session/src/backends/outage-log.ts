import type { Logger } from '@nestjs/common';

export const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * Logs backend failures at most once per interval: the first failure is logged at once, the
 * ones after it are counted and the count goes on the next line, so an outage under load costs
 * a line per interval rather than one per request.
 */
export class OutageLog {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: Pick<Logger, 'error'>,
    private readonly intervalMs = OUTAGE_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  report(what: string, err: unknown): void {
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const seconds = Math.round((now - this.lastLoggedAt) / 1000);
    const more =
      this.suppressed > 0 ? ` (and ${this.suppressed} more failures in the last ${seconds} s)` : '';
    this.logger.error(`${what}: ${describeError(err)}${more}`);
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
