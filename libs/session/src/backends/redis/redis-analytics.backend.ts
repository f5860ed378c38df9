import { expiryOfDay } from '../../analytics/analytics-days';
import { durationBucketOf, emptyDurationCounts } from '../../analytics/duration-bucket';
import { runTransaction } from './redis-transaction';
import type { RedisCommands } from './redis-client';
import type {
  SessionActivityFact,
  SessionAnalyticsBackend,
  SessionEndFact,
  SessionStartFact,
} from '../session-analytics.backend';
import {
  DURATION_BUCKETS,
  type DailySessionFigures,
  type SessionStats,
} from '../../analytics/session-stats.types';
import { sumFigures } from '../../analytics/sum-figures';

/** The fields of one day's figures, in the order `stats` reads them. */
const READS_PER_DAY = 5;
const COUNTRY_FIELD = /^([A-Z]{2}|unknown)$/;

/**
 * The figures in Redis, shared by every instance. Every key starts with the store's prefix and
 * carries the hash tag `{analytics}`, so on a cluster they all sit in one slot and a MULTI may
 * touch several of them. Per day: two counters, a HyperLogLog of user ids, a hash of duration
 * buckets and a hash of countries, all expiring 30 days after the day; plus one sorted set of
 * session hashes scored by last activity, pruned by score (no KEYS, no SCAN).
 */
export class RedisAnalyticsBackend implements SessionAnalyticsBackend {
  private readonly base: string;
  private readonly activeKey: string;

  constructor(
    private readonly commands: RedisCommands,
    storePrefix: string,
    private readonly activeWindowMs: number,
    private readonly dayOf: (at: number) => string,
  ) {
    this.base = `${storePrefix}{analytics}:`;
    this.activeKey = `${this.base}active`;
  }

  async recordStart(fact: SessionStartFact): Promise<void> {
    const day = this.dayOf(fact.at);
    await this.transaction([
      ...this.expiring(day, ['INCR', this.dayKey(day, 'started')]),
      ...this.expiring(day, ['INCR', this.dayKey(day, 'logins')]),
      ...this.expiring(day, ['PFADD', this.dayKey(day, 'users'), fact.userId]),
      ...this.expiring(day, ['HINCRBY', this.dayKey(day, 'countries'), fact.country, '1']),
      ...this.touchActive(fact.member, fact.at),
    ]);
  }

  async recordActivity(fact: SessionActivityFact): Promise<void> {
    const day = this.dayOf(fact.at);
    await this.transaction([
      ...this.expiring(day, ['PFADD', this.dayKey(day, 'users'), fact.userId]),
      ...this.touchActive(fact.member, fact.at),
    ]);
  }

  async recordEnd(fact: SessionEndFact): Promise<void> {
    const day = this.dayOf(fact.at);
    const bucket = durationBucketOf(fact.durationMs);
    await this.transaction([
      ['ZREM', this.activeKey, fact.member],
      ...this.expiring(day, ['HINCRBY', this.dayKey(day, 'durations'), bucket, '1']),
    ]);
  }

  async stats(days: string[], now: number): Promise<SessionStats> {
    const replies = await this.transaction([
      ...days.flatMap((day) => [
        ['GET', this.dayKey(day, 'started')],
        ['GET', this.dayKey(day, 'logins')],
        ['PFCOUNT', this.dayKey(day, 'users')],
        ['HGETALL', this.dayKey(day, 'durations')],
        ['HGETALL', this.dayKey(day, 'countries')],
      ]),
      ['PFCOUNT', ...days.map((day) => this.dayKey(day, 'users'))],
      this.pruneActive(now),
      ['ZCARD', this.activeKey],
    ]);
    const daily = days.map((date, i) => this.dayFigures(date, replies, i * READS_PER_DAY));
    const tail = days.length * READS_PER_DAY;
    return {
      from: days[0],
      to: days[days.length - 1],
      activeSessions: Number(replies[tail + 2]),
      totals: { ...sumFigures(daily), activeUsers: Number(replies[tail]) },
      daily,
    };
  }

  private dayFigures(date: string, replies: unknown[], at: number): DailySessionFigures {
    const sessionDurations = emptyDurationCounts();
    for (const [bucket, count] of hashEntries(replies[at + 3])) {
      if ((DURATION_BUCKETS as readonly string[]).includes(bucket)) {
        sessionDurations[bucket as keyof typeof sessionDurations] = Number(count);
      }
    }
    const countries: Record<string, number> = {};
    for (const [country, count] of hashEntries(replies[at + 4])) {
      if (COUNTRY_FIELD.test(country)) countries[country] = Number(count);
    }
    return {
      date,
      activeUsers: Number(replies[at + 2]),
      sessionsStarted: Number(replies[at] ?? 0),
      logins: Number(replies[at + 1] ?? 0),
      sessionDurations,
      countries,
    };
  }

  private dayKey(day: string, figure: string): string {
    return `${this.base}day:${day}:${figure}`;
  }

  /** A write to a day's key, followed by that key's expiry. */
  private expiring(day: string, write: string[]): string[][] {
    return [write, ['EXPIREAT', write[1], String(expiryOfDay(day))]];
  }

  /** Marks a session active, drops the idle ones; the set expires once all would be idle. */
  private touchActive(member: string, at: number): string[][] {
    return [
      ['ZADD', this.activeKey, String(at), member],
      this.pruneActive(at),
      ['PEXPIRE', this.activeKey, String(this.activeWindowMs)],
    ];
  }

  private pruneActive(now: number): string[] {
    return ['ZREMRANGEBYSCORE', this.activeKey, '-inf', String(now - this.activeWindowMs)];
  }

  private transaction(batch: string[][]): Promise<unknown[]> {
    return runTransaction(this.commands, this.activeKey, batch);
  }
}

/** A HGETALL reply as entries: a flat array (RESP2), a Map or an object (RESP3). */
function hashEntries(reply: unknown): [string, unknown][] {
  if (Array.isArray(reply)) {
    const entries: [string, unknown][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) entries.push([String(reply[i]), reply[i + 1]]);
    return entries;
  }
  if (reply instanceof Map) return [...reply].map(([key, value]) => [String(key), value]);
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply);
  return [];
}
