import { lastDays, utcDayOf } from '../../analytics/analytics-days';
import { MemoryAnalyticsBackend } from './memory-analytics.backend';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2025-03-02T10:00:00.000Z');

describe('MemoryAnalyticsBackend', () => {
  let backend: MemoryAnalyticsBackend;

  beforeEach(() => {
    backend = new MemoryAnalyticsBackend(30 * MINUTE, utcDayOf);
  });

  it('counts starts, users, countries, durations and active sessions of a known sequence', async () => {
    await backend.recordStart({ member: 's1', userId: 'u1', at: T0, country: 'FR' });
    await backend.recordStart({ member: 's2', userId: 'u1', at: T0 + MINUTE, country: 'FR' });
    await backend.recordStart({ member: 's3', userId: 'u2', at: T0 + MINUTE, country: 'unknown' });
    await backend.recordActivity({ member: 's1', userId: 'u1', at: T0 + 2 * MINUTE });
    await backend.recordEnd({ member: 's2', at: T0 + 10 * MINUTE, durationMs: 9 * MINUTE });

    const stats = await backend.stats(lastDays(2, T0), T0 + 10 * MINUTE);
    expect(stats.from).toBe('2025-03-01');
    expect(stats.to).toBe('2025-03-02');
    expect(stats.activeSessions).toBe(2);
    expect(stats.daily[0]).toMatchObject({
      date: '2025-03-01',
      sessionsStarted: 0,
      activeUsers: 0,
    });
    expect(stats.daily[1]).toMatchObject({
      date: '2025-03-02',
      sessionsStarted: 3,
      logins: 3,
      activeUsers: 2,
      countries: { FR: 2, unknown: 1 },
    });
    expect(stats.daily[1].sessionDurations['5-15m']).toBe(1);
    expect(stats.totals).toMatchObject({ sessionsStarted: 3, activeUsers: 2 });
  });

  it('counts a user active on two days once in the totals', async () => {
    await backend.recordStart({ member: 's1', userId: 'u1', at: T0 - DAY, country: 'FR' });
    await backend.recordActivity({ member: 's1', userId: 'u1', at: T0 });
    const stats = await backend.stats(lastDays(2, T0), T0);
    expect(stats.daily.map((day) => day.activeUsers)).toEqual([1, 1]);
    expect(stats.totals.activeUsers).toBe(1);
  });

  it('no longer counts a session idle for longer than the window as active', async () => {
    await backend.recordStart({ member: 's1', userId: 'u1', at: T0, country: 'FR' });
    await backend.recordStart({ member: 's2', userId: 'u2', at: T0 + 20 * MINUTE, country: 'FR' });
    expect((await backend.stats(lastDays(1, T0), T0 + 29 * MINUTE)).activeSessions).toBe(2);
    expect((await backend.stats(lastDays(1, T0), T0 + 31 * MINUTE)).activeSessions).toBe(1);
  });

  it('forgets days older than the retention period', async () => {
    await backend.recordStart({ member: 's1', userId: 'u1', at: T0 - 40 * DAY, country: 'FR' });
    await backend.recordStart({ member: 's2', userId: 'u2', at: T0, country: 'FR' });
    const old = lastDays(1, T0 - 40 * DAY);
    expect((await backend.stats(old, T0)).daily[0].sessionsStarted).toBe(0);
  });
});
