import { MergingStore, type SwapResult, type WriteExpiry } from '../merging.store';
import { parseSessionJson } from '../session-patch';

interface Entry {
  raw: string;
  expiresAt: number;
}

/** Sessions of one kind, in last-use order (oldest first). */
type Lru = Map<string, Entry>;

export interface MemorySessionStoreOptions {
  maxSessions: number;
  ttlSeconds: number;
  /** How often expired sessions are swept, in ms. @default min(ttl, 60 s) */
  sweepInterval?: number;
  now?: () => number;
}

/**
 * The embedded store. Unlike express-session's MemoryStore it is bounded and expiring (expired
 * sessions are dropped and freed, each at its own cookie's expiry at the latest). Past
 * `maxSessions` the least recently used anonymous session is evicted, and a signed-in one (a
 * session with a `user`) only when no anonymous one is left: a flood of cookie-less visitors
 * cannot sign users out. Each kind is a map in last-use order, so eviction only looks at oldest
 * ends; the sweep looks at every entry (expiries follow each cookie).
 */
export class MemorySessionStore extends MergingStore {
  private readonly anonymous: Lru = new Map();
  private readonly signedIn: Lru = new Map();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: MemorySessionStoreOptions) {
    super(options.ttlSeconds * 1000, options.now);
    const interval = options.sweepInterval ?? Math.min(this.storeTtlMs, 60_000);
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
  }

  get size(): number {
    return this.anonymous.size + this.signedIn.size;
  }

  /** How long a stored session has left, in ms, or null when there is none (diagnostics). */
  ttlOf(id: string): number | null {
    const found = this.live(id);
    return found ? found[1].expiresAt - this.now() : null;
  }

  /** Drops every expired session. */
  sweep(): void {
    const now = this.now();
    for (const lru of [this.anonymous, this.signedIn]) {
      for (const [id, entry] of lru) {
        if (entry.expiresAt <= now) lru.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  protected async readRaw(id: string, expiryOf: (raw: string) => number): Promise<string | null> {
    const found = this.live(id);
    if (!found) return null;
    const { raw } = found[1];
    const ttlMs = expiryOf(raw);
    if (ttlMs <= 0) {
      this.forget(id);
      return null;
    }
    this.put(id, raw, ttlMs);
    return raw;
  }

  protected async writeRaw(id: string, raw: string, ttlMs = this.storeTtlMs): Promise<void> {
    this.put(id, raw, ttlMs);
  }

  protected override async writeRawIfAbsent(
    id: string,
    raw: string,
    ttlMs = this.storeTtlMs,
  ): Promise<boolean> {
    if (this.live(id)) return false;
    this.put(id, raw, ttlMs);
    return true;
  }

  protected async compareAndSwap(
    id: string,
    expected: string,
    next: string,
    expiry: WriteExpiry = this.storeTtlMs,
  ): Promise<SwapResult> {
    const found = this.live(id);
    if (!found) return null;
    const [, entry] = found;
    if (entry.raw !== expected) return entry.raw;
    this.put(id, next, expiry === 'keep' ? entry.expiresAt - this.now() : expiry);
    return true;
  }

  protected async peekRaw(id: string): Promise<string | null> {
    return this.live(id)?.[1].raw ?? null;
  }

  protected async deleteRaw(id: string): Promise<void> {
    this.forget(id);
  }

  protected async expireRaw(id: string, ttlMs: number): Promise<void> {
    const found = this.live(id);
    if (found) this.put(id, found[1].raw, ttlMs);
  }

  protected async listRaw(): Promise<[string, string | null][]> {
    this.sweep();
    const entries: [string, string | null][] = [];
    for (const lru of [this.anonymous, this.signedIn]) {
      for (const [id, entry] of lru) entries.push([id, entry.raw]);
    }
    return entries;
  }

  protected async clearRaw(): Promise<number> {
    const count = this.size;
    this.anonymous.clear();
    this.signedIn.clear();
    return count;
  }

  private live(id: string): [Lru, Entry] | undefined {
    const lru = this.anonymous.has(id) ? this.anonymous : this.signedIn;
    const entry = lru.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      lru.delete(id);
      return undefined;
    }
    return [lru, entry];
  }

  private forget(id: string): void {
    if (!this.anonymous.delete(id)) this.signedIn.delete(id);
  }

  private put(id: string, raw: string, ttlMs: number): void {
    this.forget(id);
    const lru = isSignedIn(raw) ? this.signedIn : this.anonymous;
    lru.set(id, { raw, expiresAt: this.now() + ttlMs });
    while (this.size > this.options.maxSessions) {
      const from = this.anonymous.size > 0 ? this.anonymous : this.signedIn;
      from.delete(from.keys().next().value as string);
    }
  }
}

function isSignedIn(raw: string): boolean {
  const user = parseSessionJson(raw)?.user;
  return typeof user === 'object' && user !== null;
}
