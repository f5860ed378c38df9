import type { SessionOptionProblem } from './errors';

/** @internal Collects every invalid option, so that start-up reports them all at once. */
export class OptionProblems {
  readonly list: SessionOptionProblem[];

  constructor(earlier: SessionOptionProblem[] = []) {
    this.list = [...earlier];
  }

  add(option: string, problem: string): void {
    this.list.push({ option, problem });
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  boolean(option: string, value: unknown, alternative?: string): void {
    if (typeof value !== 'boolean') this.add(option, mustBe('true or false', alternative, value));
  }

  positiveInteger(option: string, value: unknown, alternative?: string): void {
    if (!Number.isInteger(value) || (value as number) < 1) {
      this.add(option, mustBe('a positive integer', alternative, value));
    }
  }

  nonEmptyString(option: string, value: unknown): void {
    if (typeof value !== 'string' || value.trim() === '') {
      this.add(option, mustBe('a non-empty string', undefined, value));
    }
  }

  oneOf(option: string, value: unknown, allowed: unknown[]): void {
    if (!allowed.includes(value)) {
      const names = allowed.map((item) => JSON.stringify(item)).join(', ');
      this.add(option, `must be one of ${names}, got ${shown(value)}`);
    }
  }
}

function mustBe(expected: string, alternative: string | undefined, value: unknown): string {
  return `must be ${expected}${alternative ? ` ${alternative}` : ''}, got ${shown(value)}`;
}

function shown(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
