import { userHashOf } from '../../analytics/user-hash';
import { isExpiredDay } from '../../analytics/analytics-days';
import { durationBucketOf, emptyDurationCounts } from '../../analytics/duration-bucket';
import type {
  SessionActivityFact,
  SessionAnalyticsBackend,
  SessionEndFact,
  SessionStartFact,
} from '../session-analytics.backend';
import { sumFigures } from '../../analytics/sum-figures';
import type { SessionFigures, SessionStats } from '../../analytics/session-stats.types';

interface DayCounters {
  sessionsStarted: number;
  logins: number;
  /** Hashes of the active users' ids: exact counting is affordable within one process. */
  userHashes: Set<string>;
  sessionDurations: ReturnType<typeof emptyDurationCounts>;
  countries: Map<string, number>;
}

/** More sessions than the memory store holds by default; past it the least recent are dropped. */
const MAX_TRACKED_SESSIONS = 100_000;

/** The figures in process memory, for the memory store (one process, nothing shared). */
export class MemoryAnalyticsBackend implements SessionAnalyticsBackend {
  private readonly days = new Map<string, DayCounters>();
  /** Session hash -> last activity, in last-activity order. */
  private readonly active = new Map<string, number>();

  constructor(
    private readonly activeWindowMs: number,
    private readonly dayOf: (at: number) => string,
  ) {}

  async recordStart(fact: SessionStartFact): Promise<void> {
    const day = this.counters(fact.at);
    day.sessionsStarted += 1;
    day.logins += 1;
    day.userHashes.add(userHashOf(fact.userId));
    day.countries.set(fact.country, (day.countries.get(fact.country) ?? 0) + 1);
    this.touch(fact.member, fact.at);
  }

  async recordActivity(fact: SessionActivityFact): Promise<void> {
    this.counters(fact.at).userHashes.add(userHashOf(fact.userId));
    this.touch(fact.member, fact.at);
  }

  async recordEnd(fact: SessionEndFact): Promise<void> {
    this.active.delete(fact.member);
    this.counters(fact.at).sessionDurations[durationBucketOf(fact.durationMs)] += 1;
  }

  async stats(days: string[], now: number): Promise<SessionStats> {
    this.prune(now);
    const daily = days.map((date) => ({ date, ...this.figuresOf(this.days.get(date)) }));
    const users = new Set(days.flatMap((date) => [...(this.days.get(date)?.userHashes ?? [])]));
    return {
      from: days[0],
      to: days[days.length - 1],
      activeSessions: this.active.size,
      totals: { ...sumFigures(daily), activeUsers: users.size },
      daily,
    };
  }

  private figuresOf(day: DayCounters | undefined): SessionFigures {
    return {
      activeUsers: day?.userHashes.size ?? 0,
      sessionsStarted: day?.sessionsStarted ?? 0,
      logins: day?.logins ?? 0,
      sessionDurations: { ...(day?.sessionDurations ?? emptyDurationCounts()) },
      countries: Object.fromEntries(day?.countries ?? []),
    };
  }

  private counters(at: number): DayCounters {
    const date = this.dayOf(at);
    let day = this.days.get(date);
    if (!day) {
      this.prune(at);
      day = {
        sessionsStarted: 0,
        logins: 0,
        userHashes: new Set(),
        sessionDurations: emptyDurationCounts(),
        countries: new Map(),
      };
      this.days.set(date, day);
    }
    return day;
  }

  private touch(member: string, at: number): void {
    this.active.delete(member);
    this.active.set(member, at);
    if (this.active.size > MAX_TRACKED_SESSIONS) this.active.delete(this.oldestMember() as string);
    this.prune(at);
  }

  /** Drops expired days and the sessions idle for longer than the window. */
  private prune(now: number): void {
    for (const date of this.days.keys()) if (isExpiredDay(date, now)) this.days.delete(date);
    const cutoff = now - this.activeWindowMs;
    for (const [member, lastSeen] of this.active) {
      if (lastSeen > cutoff) break;
      this.active.delete(member);
    }
  }

  private oldestMember(): string | undefined {
    return this.active.keys().next().value;
  }
}
