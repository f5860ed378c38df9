import type { SessionStats } from '../analytics/session-stats.types';

/** A session as analytics knows it: a hash, never its id. */
export interface TrackedSession {
  /** A hash identifying the session (see SessionAnalytics). */
  member: string;
  userId: string;
}

export interface SessionStartFact extends TrackedSession {
  at: number;
  country: string;
}

export interface SessionActivityFact extends TrackedSession {
  at: number;
}

export interface SessionEndFact {
  member: string;
  at: number;
  durationMs: number;
}

/**
 * Where the figures live: Redis (shared by every instance) or process memory. Each record call
 * costs at most one round trip; everything recorded expires.
 */
export interface SessionAnalyticsBackend {
  recordStart(fact: SessionStartFact): Promise<void>;
  recordActivity(fact: SessionActivityFact): Promise<void>;
  recordEnd(fact: SessionEndFact): Promise<void>;
  /** The figures of the given UTC days (oldest first), and the sessions active at `now`. */
  stats(days: string[], now: number): Promise<SessionStats>;
}
