import type { AttemptCounter } from './attempt-counter';

const MAX_KEYS = 100_000;

/** Attempt counts in process memory (one instance), bounded in keys. */
export class MemoryAttemptCounter implements AttemptCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    const current = this.live(key, now);
    const next = current
      ? { count: current.count + 1, endsAt: current.endsAt }
      : { count: 1, endsAt: now + windowMs };
    this.windows.delete(key);
    this.windows.set(key, next);
    if (this.windows.size > MAX_KEYS)
      this.windows.delete(this.windows.keys().next().value as string);
    return next.count;
  }

  async peek(key: string): Promise<{ count: number; remainingMs: number }> {
    const now = Date.now();
    const current = this.live(key, now);
    return current
      ? { count: current.count, remainingMs: current.endsAt - now }
      : { count: 0, remainingMs: 0 };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private live(key: string, now: number) {
    const current = this.windows.get(key);
    if (current && current.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return current;
  }
}
