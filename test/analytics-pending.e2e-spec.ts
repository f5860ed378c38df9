import type { INestApplication } from '@nestjs/common';
import {
  SessionAnalytics,
  SessionEvents,
  type SessionAnalyticsBackend,
  type SessionStats,
} from 'nest-session-kit';
import { createLibraryApp } from './support/library-app';

/** An analytics backend whose writes take a while to land, as a remote database's can. */
class SlowAnalytics implements SessionAnalyticsBackend {
  ended = 0;
  async recordStart(): Promise<void> {}
  async recordActivity(): Promise<void> {}
  async recordEnd(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.ended += 1;
  }
  async stats(days: string[]): Promise<SessionStats> {
    const figures = {
      activeUsers: 0,
      sessionsStarted: 0,
      logins: 0,
      sessionDurations: {
        '0-1m': this.ended,
        '1-5m': 0,
        '5-15m': 0,
        '15-30m': 0,
        '30-60m': 0,
        '60m+': 0,
      },
      countries: {},
    };
    return {
      from: days[0],
      to: days[days.length - 1],
      activeSessions: 0,
      totals: figures,
      daily: [],
    };
  }
}

describe('session analytics: reading right after recording', () => {
  let app: INestApplication;
  const backend = new SlowAnalytics();

  beforeAll(async () => {
    app = await createLibraryApp({ analytics: backend }, []);
  });
  afterAll(() => app?.close());

  it('getStats includes a record this instance made just before, still on its way to the backend', async () => {
    const now = Date.now();
    await app.get(SessionEvents).emit('end', {
      userId: 'u1',
      handle: 'h1',
      createdAt: now - 1000,
      endedAt: now,
      reason: 'logout',
    });
    const stats = await app.get(SessionAnalytics).getStats(1);
    expect(stats.totals.sessionDurations['0-1m']).toBe(1);
  });
});
