import { Logger } from '@nestjs/common';
import { RETENTION_DAYS, utcDayOf } from '../../analytics/analytics-days';
import { OutageLog } from '../outage-log';
import type { PostgresQueries } from './postgres-queries';
import type { PostgresTables } from './postgres-tables';

export interface PostgresPrunerOptions {
  intervalMs: number;
  batchSize: number;
  /** How long analytics counts a session as active after its last activity. */
  activeWindowMs: number;
  now?: () => number;
}

/** What one pass deleted, per table; `skipped` when another instance held the lock. */
export interface PruneResult {
  skipped: boolean;
  deleted: Record<string, number>;
}

/** The key every instance of every app on the database agrees on for pruning. */
const PRUNE_LOCK_KEY = 0x6e736b02;
/** A pass stops after this many batches per table and goes on at the next interval. */
const MAX_BATCHES_PER_TABLE = 100;
const DAY_MS = 86_400_000;

/**
 * Deletes what has expired (sessions, index rows, idle analytics sessions, days past the
 * retention period) in batches of `batchSize` rows, each batch one short transaction that holds
 * an advisory lock: while one instance prunes, the others skip their turn instead of deleting
 * the same rows.
 */
export class PostgresPruner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<PruneResult>;
  private readonly outages = new OutageLog(new Logger('SessionModule'));
  private readonly now: () => number;

  constructor(
    private readonly queries: PostgresQueries,
    private readonly tables: PostgresTables,
    private readonly options: PostgresPrunerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.prune().catch((err: unknown) =>
        this.outages.report('Session postgres backend, prune', err),
      );
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every table; a pass already under way is joined, not doubled. */
  prune(): Promise<PruneResult> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<PruneResult> {
    const now = this.now();
    const t = this.tables;
    const expiredDay = utcDayOf(now - (RETENTION_DAYS + 1) * DAY_MS);
    const targets: [string, string, string, unknown[]][] = [
      [t.name, t.sessions, 'expires_at <= now()', []],
      [`${t.name}_users`, t.users, 'expires_at <= now()', []],
      [
        `${t.name}_active`,
        t.active,
        'last_seen <= to_timestamp($2::float8 / 1000)',
        [now - this.options.activeWindowMs],
      ],
      [`${t.name}_daily_counts`, t.dailyCounts, 'day <= $2::date', [expiredDay]],
      [`${t.name}_daily_users`, t.dailyUsers, 'day <= $2::date', [expiredDay]],
    ];
    const deleted: Record<string, number> = {};
    for (const [name, table, condition, values] of targets) {
      deleted[name] = 0;
      for (let batch = 0; batch < MAX_BATCHES_PER_TABLE; batch++) {
        const count = await this.batch(table, condition, values);
        if (count === null) return { skipped: true, deleted };
        deleted[name] += count;
        if (count < this.options.batchSize) break;
      }
    }
    return { skipped: false, deleted };
  }

  /** Deletes up to batchSize matching rows under the lock; null when another instance holds it. */
  private batch(table: string, condition: string, values: unknown[]): Promise<number | null> {
    return this.queries.transaction(async (query) => {
      const { rows } = await query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        PRUNE_LOCK_KEY,
      ]);
      if (!(rows[0] as { locked: boolean }).locked) return null;
      const { rowCount } = await query(
        `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${table} WHERE ${condition} LIMIT $1 FOR UPDATE SKIP LOCKED))`,
        [this.options.batchSize, ...values],
      );
      return rowCount;
    });
  }
}
