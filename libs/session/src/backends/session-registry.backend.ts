/** One session in a user's index. `handle` is what users see; `sid` never leaves the server. */
export interface RegistryEntry {
  handle: string;
  sid: string;
  createdAt: number;
}

/**
 * Where the per-user index lives: a Redis hash per user, or process memory. Every operation
 * touches one user's entries only.
 */
export interface SessionRegistryBackend {
  /** Adds or replaces an entry; resolves how many entries the user has now. */
  put(userId: string, entry: RegistryEntry): Promise<number>;
  entries(userId: string): Promise<RegistryEntry[]>;
  remove(userId: string, handles: string[]): Promise<void>;
}

/** @internal */
export const SESSION_REGISTRY_BACKEND = Symbol('SESSION_REGISTRY_BACKEND');

export function parseEntry(json: string): RegistryEntry | null {
  try {
    const value = JSON.parse(json) as Partial<RegistryEntry>;
    if (typeof value.handle !== 'string' || typeof value.sid !== 'string') return null;
    return { handle: value.handle, sid: value.sid, createdAt: Number(value.createdAt) || 0 };
  } catch {
    return null;
  }
}
