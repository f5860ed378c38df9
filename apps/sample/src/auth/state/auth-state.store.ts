/**
 * Shared state of the login flow, kept in Redis when the app has it (so every instance agrees)
 * or in memory: attempt counters in windows, and single-use claims (accepted TOTP codes).
 */
export interface AuthStateStore {
  /** Counts one attempt; a new window of `windowMs` starts with the first. Resolves the count. */
  hit(key: string, windowMs: number): Promise<number>;
  /** Takes one attempt back (a success, or an attempt refused before it was tried). */
  undo(key: string): Promise<void>;
  /** Starts the window again from now (the failure that locks starts the lockout). */
  restartWindow(key: string, windowMs: number): Promise<void>;
  /** Ms left in the key's window (0 when none). */
  remainingMs(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  /** True the first time a key is claimed within `ttlMs`, false afterwards. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export const AUTH_STATE_STORE = Symbol('AUTH_STATE_STORE');
