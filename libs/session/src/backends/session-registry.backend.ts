/** One session in a user's index. `handle` is what users see; `sid` never leaves the server. */
export interface RegistryEntry {
  handle: string;
  sid: string;
  createdAt: number;
}

/**
 * Where the per-user index lives: a Redis hash per user, process memory, or a backend of the
 * user's own (the `registry` option). Every operation touches one user's entries only, and
 * every entry expires by itself once its session could no longer be alive.
 */
export interface SessionRegistryBackend {
  /** Adds or replaces an entry; resolves how many entries the user has now. */
  put(userId: string, entry: RegistryEntry): Promise<number>;
  entries(userId: string): Promise<RegistryEntry[]>;
  remove(userId: string, handles: string[]): Promise<void>;
}

export function parseEntry(json: string): RegistryEntry | null {
  try {
    const value = JSON.parse(json) as Partial<RegistryEntry>;
    if (typeof value.handle !== 'string' || typeof value.sid !== 'string') return null;
    return { handle: value.handle, sid: value.sid, createdAt: Number(value.createdAt) || 0 };
  } catch {
    return null;
  }
}
