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

/** The sorted sets of active sessions: a session's member always goes to the same one. */
const ACTIVE_SHARDS = 8;

/**
 * The figures in Redis, shared by every instance. Every key starts with the store's prefix and
 * `analytics:`, and its hash tag names the day and the kind of figure (`{2026-12-01:started}`),
 * so a cluster spreads a day's figures over its masters instead of one hot slot; each write and
 * its expiry go together as one MULTI on one key. Per day: two counters, a hash of duration
 * buckets and a hash of countries, all expiring 30 days after the day. The days' HyperLogLogs of
 * user ids share one tag (`{users}`), so that a count over several days is one PFCOUNT; it takes
 * at most one PFADD per session per activity window. Sessions active now are sorted sets of
 * session hashes scored by last activity, in ACTIVE_SHARDS shards by member, pruned by score
 * (no KEYS, no SCAN).
 */
export class RedisAnalyticsBackend implements SessionAnalyticsBackend {
  private readonly base: string;
  private readonly activeKeys: string[];

  constructor(
    private readonly commands: RedisCommands,
    storePrefix: string,
    private readonly activeWindowMs: number,
    private readonly dayOf: (at: number) => string,
  ) {
    this.base = `${storePrefix}analytics:`;
    this.activeKeys = Array.from({ length: ACTIVE_SHARDS }, (_, i) => `${this.base}{active:${i}}`);
  }

  async recordStart(fact: SessionStartFact): Promise<void> {
    const day = this.dayOf(fact.at);
    await this.write([
      this.expiring(day, ['INCR', this.dayKey(day, 'started')]),
      this.expiring(day, ['INCR', this.dayKey(day, 'logins')]),
      this.expiring(day, ['PFADD', this.usersKey(day), fact.userId]),
      this.expiring(day, ['HINCRBY', this.dayKey(day, 'countries'), fact.country, '1']),
      this.touchActive(fact.member, fact.at),
    ]);
  }

  async recordActivity(fact: SessionActivityFact): Promise<void> {
    const day = this.dayOf(fact.at);
    await this.write([
      this.expiring(day, ['PFADD', this.usersKey(day), fact.userId]),
      this.touchActive(fact.member, fact.at),
    ]);
  }

  async recordEnd(fact: SessionEndFact): Promise<void> {
    const day = this.dayOf(fact.at);
    const bucket = durationBucketOf(fact.durationMs);
    const active = this.activeKeyOf(fact.member);
    await this.write([
      [['ZREM', active, fact.member]],
      this.expiring(day, ['HINCRBY', this.dayKey(day, 'durations'), bucket, '1']),
    ]);
  }

  async stats(days: string[], now: number): Promise<SessionStats> {
    const groups: string[][][] = [
      ...days.flatMap((day) => [
        [['GET', this.dayKey(day, 'started')]],
        [['GET', this.dayKey(day, 'logins')]],
        [['PFCOUNT', this.usersKey(day)]],
        [['HGETALL', this.dayKey(day, 'durations')]],
        [['HGETALL', this.dayKey(day, 'countries')]],
      ]),
      [['PFCOUNT', ...days.map((day) => this.usersKey(day))]],
      ...this.activeKeys.map((key) => [this.pruneActive(key, now), ['ZCARD', key]]),
    ];
    const replies = await this.write(groups);
    const perDay = replies.map((group) => group[0]);
    const tail = days.length * READS_PER_DAY;
    const activeSessions = replies
      .slice(tail + 1)
      .reduce((sum, group) => sum + Number(group[1]), 0);
    const daily = days.map((date, i) => this.dayFigures(date, perDay, i * READS_PER_DAY));
    return {
      from: days[0],
      to: days[days.length - 1],
      activeSessions,
      totals: { ...sumFigures(daily), activeUsers: Number(perDay[tail]) },
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

  /** One figure of one day: its own hash tag, so its own slot. */
  private dayKey(day: string, figure: string): string {
    return `${this.base}{${day}:${figure}}`;
  }

  /** The day's HyperLogLog of users: every day's under one tag, for a count over several. */
  private usersKey(day: string): string {
    return `${this.base}{users}:${day}`;
  }

  /** A write to a day's key, followed by that key's expiry. */
  private expiring(day: string, write: string[]): string[][] {
    return [write, ['EXPIREAT', write[1], String(expiryOfDay(day))]];
  }

  /** Marks a session active, drops the idle ones; the set expires once all would be idle. */
  private touchActive(member: string, at: number): string[][] {
    const key = this.activeKeyOf(member);
    return [
      ['ZADD', key, String(at), member],
      this.pruneActive(key, at),
      ['PEXPIRE', key, String(this.activeWindowMs)],
    ];
  }

  /**
   * Runs groups of commands, each group on one key: on a cluster one MULTI per group, sent
   * together (each to its slot's master); elsewhere one MULTI of them all. The replies by group.
   */
  private async write(groups: string[][][]): Promise<unknown[][]> {
    if (this.commands.isCluster) {
      return Promise.all(groups.map((batch) => runTransaction(this.commands, batch[0][1], batch)));
    }
    const replies = await runTransaction(this.commands, groups[0][0][1], groups.flat());
    let at = 0;
    return groups.map((batch) => replies.slice(at, (at += batch.length)));
  }

  private pruneActive(key: string, now: number): string[] {
    return ['ZREMRANGEBYSCORE', key, '-inf', String(now - this.activeWindowMs)];
  }

  /** The active-set shard of a member (FNV-1a of the member, which is already a hash). */
  private activeKeyOf(member: string): string {
    let hash = 0x811c9dc5;
    for (let i = 0; i < member.length; i++) {
      hash = Math.imul(hash ^ member.charCodeAt(i), 0x01000193);
    }
    return this.activeKeys[(hash >>> 0) % ACTIVE_SHARDS];
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
