/** Counts events per key within a window that starts at the first event. */
export interface AttemptCounter {
  /** Counts one event; resolves the count in the current window. */
  hit(key: string, windowMs: number): Promise<number>;
  /** The count in the current window and the ms until it ends. */
  peek(key: string): Promise<{ count: number; remainingMs: number }>;
  reset(key: string): Promise<void>;
}

export const ATTEMPT_COUNTER = Symbol('ATTEMPT_COUNTER');
