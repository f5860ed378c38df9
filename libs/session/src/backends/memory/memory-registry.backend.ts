import type { RegistryEntry, SessionRegistryBackend } from '../session-registry.backend';

interface StoredEntry extends RegistryEntry {
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The per-user index in process memory, beside the memory store. An entry expires `lifetime`
 * after its last write, as the Redis hash does, so users who never list their sessions do not
 * keep entries of long-gone sessions; expired entries are dropped as they are met and by a sweep.
 */
export class MemoryRegistryBackend implements SessionRegistryBackend {
  private readonly users = new Map<string, Map<string, StoredEntry>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(lifetimeMs, SWEEP_INTERVAL_MS));
    this.sweeper.unref();
  }

  async put(userId: string, entry: RegistryEntry): Promise<number> {
    let entries = this.live(userId);
    if (!entries) this.users.set(userId, (entries = new Map()));
    entries.set(entry.handle, { ...entry, expiresAt: this.now() + this.lifetimeMs });
    return entries.size;
  }

  async entries(userId: string): Promise<RegistryEntry[]> {
    return [...(this.live(userId)?.values() ?? [])].map(({ handle, sid, createdAt }) => ({
      handle,
      sid,
      createdAt,
    }));
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    const entries = this.users.get(userId);
    if (!entries) return;
    for (const handle of handles) entries.delete(handle);
    if (entries.size === 0) this.users.delete(userId);
  }

  /** How many users have entries (for tests and metrics). */
  get userCount(): number {
    return this.users.size;
  }

  /** Drops every expired entry. */
  sweep(): void {
    for (const userId of [...this.users.keys()]) this.live(userId);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private live(userId: string): Map<string, StoredEntry> | undefined {
    const entries = this.users.get(userId);
    if (!entries) return undefined;
    const now = this.now();
    for (const [handle, entry] of entries) if (entry.expiresAt <= now) entries.delete(handle);
    if (entries.size > 0) return entries;
    this.users.delete(userId);
    return undefined;
  }
}
