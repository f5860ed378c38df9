import type { AuthStateStore } from './auth-state.store';

const MAX_KEYS = 100_000;

interface Window {
  count: number;
  endsAt: number;
}

/** Login-flow state in process memory (a single instance), bounded in keys. */
export class MemoryAuthStateStore implements AuthStateStore {
  private readonly windows = new Map<string, Window>();

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    const current = this.live(key, now) ?? { count: 0, endsAt: now + windowMs };
    current.count += 1;
    this.put(key, current);
    return current.count;
  }

  async undo(key: string): Promise<void> {
    const current = this.live(key, Date.now());
    if (current && current.count > 0) current.count -= 1;
  }

  async restartWindow(key: string, windowMs: number): Promise<void> {
    const current = this.live(key, Date.now());
    if (current) current.endsAt = Date.now() + windowMs;
  }

  async remainingMs(key: string): Promise<number> {
    const now = Date.now();
    const current = this.live(key, now);
    return current ? current.endsAt - now : 0;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (this.live(key, now)) return false;
    this.put(key, { count: 1, endsAt: now + ttlMs });
    return true;
  }

  private live(key: string, now: number): Window | undefined {
    const current = this.windows.get(key);
    if (current && current.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return current;
  }

  private put(key: string, window: Window): void {
    this.windows.delete(key);
    this.windows.set(key, window);
    if (this.windows.size > MAX_KEYS) {
      this.windows.delete(this.windows.keys().next().value as string);
    }
  }
}
