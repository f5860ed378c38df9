import { Transform } from 'class-transformer';

const DECIMAL_INT = /^\d{1,15}$/;

/**
 * A query parameter read as a whole number only when written in decimal digits: `0x10`, `1e1`,
 * ` 7`, `+7` and `` stay strings, so `@IsInt()` refuses them (Number() would read them all).
 */
export function DecimalInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL_INT.test(value) ? Number(value) : value,
  );
}
