import { DURATION_BUCKETS, type DurationBucket, type DurationCounts } from './session-stats.types';

const MINUTE_MS = 60_000;
/** The upper bound (exclusive, in minutes) of each bucket but the last. */
const UPPER_BOUNDS_MINUTES = [1, 5, 15, 30, 60];

/** The bucket of a session that lasted `durationMs`. */
export function durationBucketOf(durationMs: number): DurationBucket {
  const minutes = Math.max(0, durationMs) / MINUTE_MS;
  const index = UPPER_BOUNDS_MINUTES.findIndex((bound) => minutes < bound);
  return DURATION_BUCKETS[index === -1 ? DURATION_BUCKETS.length - 1 : index];
}

/** Every bucket at zero. */
export function emptyDurationCounts(): DurationCounts {
  return Object.fromEntries(DURATION_BUCKETS.map((bucket) => [bucket, 0])) as DurationCounts;
}
