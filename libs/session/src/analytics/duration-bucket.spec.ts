import { durationBucketOf, emptyDurationCounts } from './duration-bucket';

const MINUTE = 60_000;

describe('durationBucketOf', () => {
  it.each([
    [0, '0-1m'],
    [MINUTE - 1, '0-1m'],
    [MINUTE, '1-5m'],
    [5 * MINUTE - 1, '1-5m'],
    [5 * MINUTE, '5-15m'],
    [15 * MINUTE, '15-30m'],
    [30 * MINUTE, '30-60m'],
    [60 * MINUTE - 1, '30-60m'],
    [60 * MINUTE, '60m+'],
    [48 * 60 * MINUTE, '60m+'],
    [-5, '0-1m'],
  ])('puts %i ms in %s', (ms, bucket) => {
    expect(durationBucketOf(ms)).toBe(bucket);
  });

  it('lists every bucket at zero', () => {
    expect(emptyDurationCounts()).toEqual({
      '0-1m': 0,
      '1-5m': 0,
      '5-15m': 0,
      '15-30m': 0,
      '30-60m': 0,
      '60m+': 0,
    });
  });
});
