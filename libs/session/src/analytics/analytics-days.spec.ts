import { expiryOfDay, isExpiredDay, lastDays, utcDayOf } from './analytics-days';

const NOON = Date.parse('2025-03-02T12:00:00.000Z');

describe('analytics days', () => {
  it('names UTC days', () => {
    expect(utcDayOf(Date.parse('2025-03-01T23:59:59.999Z'))).toBe('2025-03-01');
    expect(utcDayOf(Date.parse('2025-03-02T00:00:00.000Z'))).toBe('2025-03-02');
  });

  it('lists the last days, oldest first, today included', () => {
    expect(lastDays(3, NOON)).toEqual(['2025-02-28', '2025-03-01', '2025-03-02']);
    expect(lastDays(1, NOON)).toEqual(['2025-03-02']);
  });

  it('keeps a day 30 days after it ends', () => {
    expect(expiryOfDay('2025-03-02')).toBe(Date.parse('2025-04-02T00:00:00.000Z') / 1000);
    expect(isExpiredDay('2025-03-02', Date.parse('2025-04-01T23:59:59.000Z'))).toBe(false);
    expect(isExpiredDay('2025-03-02', Date.parse('2025-04-02T00:00:00.000Z'))).toBe(true);
  });
});
