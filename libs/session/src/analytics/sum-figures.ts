import { emptyDurationCounts } from './duration-bucket';
import type { DailySessionFigures, SessionFigures } from './session-stats.types';

/** Adds up the days' counters (active users are counted separately: they overlap). */
export function sumFigures(daily: DailySessionFigures[]): SessionFigures {
  const totals: SessionFigures = {
    activeUsers: 0,
    sessionsStarted: 0,
    logins: 0,
    sessionDurations: emptyDurationCounts(),
    countries: {},
  };
  for (const day of daily) {
    totals.sessionsStarted += day.sessionsStarted;
    totals.logins += day.logins;
    for (const [bucket, count] of Object.entries(day.sessionDurations)) {
      totals.sessionDurations[bucket as keyof typeof totals.sessionDurations] += count;
    }
    for (const [country, count] of Object.entries(day.countries)) {
      totals.countries[country] = (totals.countries[country] ?? 0) + count;
    }
  }
  return totals;
}
