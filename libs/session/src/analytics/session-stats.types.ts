/** Session length buckets, by minutes: under 1, 1 to 5, 5 to 15, 15 to 30, 30 to 60, 60 and over. */
export const DURATION_BUCKETS = ['0-1m', '1-5m', '5-15m', '15-30m', '30-60m', '60m+'] as const;

export type DurationBucket = (typeof DURATION_BUCKETS)[number];

/** How many sessions ended in each length bucket. */
export type DurationCounts = Record<DurationBucket, number>;

export interface SessionFigures {
  /** Distinct users who signed in or used a session (estimated by a HyperLogLog on Redis). */
  activeUsers: number;
  /** Authenticated sessions started. */
  sessionsStarted: number;
  /** Successful sign-ins. */
  logins: number;
  /** Sessions that ended (logout, revocation, timeout), by how long they lasted. */
  sessionDurations: DurationCounts;
  /** Sessions started, by the client's country (ISO 3166 alpha-2, or 'unknown'). */
  countries: Record<string, number>;
}

/** The figures of one UTC day. */
export interface DailySessionFigures extends SessionFigures {
  /** YYYY-MM-DD, UTC. */
  date: string;
}

export interface SessionStats {
  /** The first and last day covered (UTC, YYYY-MM-DD). */
  from: string;
  to: string;
  /** Sessions used within the idle timeout, now. */
  activeSessions: number;
  /** The whole period; `activeUsers` counts a user once however many days they were active. */
  totals: SessionFigures;
  /** One entry per day, oldest first. */
  daily: DailySessionFigures[];
}
