import { userHashOf } from '../../analytics/user-hash';
import { durationBucketOf, emptyDurationCounts } from '../../analytics/duration-bucket';
import {
  DURATION_BUCKETS,
  type DailySessionFigures,
  type DurationBucket,
  type SessionStats,
} from '../../analytics/session-stats.types';
import { sumFigures } from '../../analytics/sum-figures';
import type {
  SessionActivityFact,
  SessionAnalyticsBackend,
  SessionEndFact,
  SessionStartFact,
} from '../session-analytics.backend';
import type { PostgresQueries } from './postgres-queries';
import type { PostgresTables } from './postgres-tables';

const COUNTRY = /^([A-Z]{2}|unknown)$/;
const atParam = (param: string) => `to_timestamp(${param}::float8 / 1000)`;

type CountRow = [day: string, figure: string, item: string, count: string | number];

/**
 * The figures in PostgreSQL, shared by every instance: daily counters keyed by (day, figure,
 * item), the users active each day by a hash of their id (so the counts are exact), and the
 * sessions active now by a hash with their last activity. Each record is one statement; the
 * pruner deletes days past the retention period and sessions idle past the window.
 */
export class PostgresAnalyticsBackend implements SessionAnalyticsBackend {
  constructor(
    private readonly queries: PostgresQueries,
    private readonly tables: PostgresTables,
    private readonly activeWindowMs: number,
    private readonly dayOf: (at: number) => string,
  ) {}

  async recordStart(fact: SessionStartFact): Promise<void> {
    const { dailyCounts, dailyUsers, active } = this.tables;
    await this.queries.query(
      `WITH counted AS (
         INSERT INTO ${dailyCounts} AS c (day, figure, item, count)
         VALUES ($1::date, 'started', '', 1), ($1::date, 'logins', '', 1), ($1::date, 'country', $2, 1)
         ON CONFLICT (day, figure, item) DO UPDATE SET count = c.count + 1
       ), users AS (
         INSERT INTO ${dailyUsers} (day, user_hash) VALUES ($1::date, $3) ON CONFLICT DO NOTHING
       )
       INSERT INTO ${active} AS a (member, last_seen) VALUES ($4, ${atParam('$5')})
       ON CONFLICT (member) DO UPDATE SET last_seen = GREATEST(a.last_seen, EXCLUDED.last_seen)`,
      [this.dayOf(fact.at), fact.country, userHashOf(fact.userId), fact.member, fact.at],
    );
  }

  async recordActivity(fact: SessionActivityFact): Promise<void> {
    const { dailyUsers, active } = this.tables;
    await this.queries.query(
      `WITH users AS (
         INSERT INTO ${dailyUsers} (day, user_hash) VALUES ($1::date, $2) ON CONFLICT DO NOTHING
       )
       INSERT INTO ${active} AS a (member, last_seen) VALUES ($3, ${atParam('$4')})
       ON CONFLICT (member) DO UPDATE SET last_seen = GREATEST(a.last_seen, EXCLUDED.last_seen)`,
      [this.dayOf(fact.at), userHashOf(fact.userId), fact.member, fact.at],
    );
  }

  async recordEnd(fact: SessionEndFact): Promise<void> {
    const { dailyCounts, active } = this.tables;
    await this.queries.query(
      `WITH ended AS (DELETE FROM ${active} WHERE member = $3)
       INSERT INTO ${dailyCounts} AS c (day, figure, item, count)
       VALUES ($1::date, 'duration', $2, 1)
       ON CONFLICT (day, figure, item) DO UPDATE SET count = c.count + 1`,
      [this.dayOf(fact.at), durationBucketOf(fact.durationMs), fact.member],
    );
  }

  async stats(days: string[], now: number): Promise<SessionStats> {
    const { dailyCounts, dailyUsers, active } = this.tables;
    const { rows } = await this.queries.query<{
      counts: CountRow[];
      users: [string, string | number][];
      total_users: string;
      active: string;
    }>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_array(day::text, figure, item, count)), '[]')
            FROM ${dailyCounts} WHERE day = ANY($1::date[])) AS counts,
         (SELECT coalesce(json_agg(json_build_array(day, users)), '[]') FROM (
            SELECT day::text AS day, count(*) AS users FROM ${dailyUsers}
            WHERE day = ANY($1::date[]) GROUP BY day) AS per_day) AS users,
         (SELECT count(DISTINCT user_hash) FROM ${dailyUsers} WHERE day = ANY($1::date[])) AS total_users,
         (SELECT count(*) FROM ${active} WHERE last_seen > ${atParam('$2')}) AS active`,
      [days, now - this.activeWindowMs],
    );
    const [row] = rows;
    const daily = days.map((date) => emptyDay(date));
    const byDate = new Map(daily.map((day) => [day.date, day]));
    for (const [date, figure, item, count] of row.counts) {
      const day = byDate.get(date);
      if (day) addCount(day, figure, item, Number(count));
    }
    for (const [date, users] of row.users) {
      const day = byDate.get(date);
      if (day) day.activeUsers = Number(users);
    }
    return {
      from: days[0],
      to: days[days.length - 1],
      activeSessions: Number(row.active),
      totals: { ...sumFigures(daily), activeUsers: Number(row.total_users) },
      daily,
    };
  }
}

function emptyDay(date: string): DailySessionFigures {
  return {
    date,
    activeUsers: 0,
    sessionsStarted: 0,
    logins: 0,
    sessionDurations: emptyDurationCounts(),
    countries: {},
  };
}

function addCount(day: DailySessionFigures, figure: string, item: string, count: number): void {
  if (figure === 'started') day.sessionsStarted += count;
  else if (figure === 'logins') day.logins += count;
  else if (figure === 'country' && COUNTRY.test(item)) day.countries[item] = count;
  else if (figure === 'duration' && (DURATION_BUCKETS as readonly string[]).includes(item)) {
    day.sessionDurations[item as DurationBucket] += count;
  }
}
