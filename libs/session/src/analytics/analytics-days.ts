const DAY_MS = 86_400_000;

/** How long daily figures are kept after their day ends. */
export const RETENTION_DAYS = 30;
/** The longest period `getStats` reports. */
export const MAX_STATS_DAYS = RETENTION_DAYS;

/** The UTC day of an instant, as YYYY-MM-DD. */
export function utcDayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The `count` UTC days ending with the day of `now`, oldest first. */
export function lastDays(count: number, now: number): string[] {
  return Array.from({ length: count }, (_, i) => utcDayOf(now - (count - 1 - i) * DAY_MS));
}

/** When a day's figures expire (epoch seconds): the retention period after the day ends. */
export function expiryOfDay(day: string): number {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return Math.floor((start + (RETENTION_DAYS + 1) * DAY_MS) / 1000);
}

/** Whether a day's figures have outlived the retention period at `now`. */
export function isExpiredDay(day: string, now: number): boolean {
  return expiryOfDay(day) * 1000 <= now;
}
