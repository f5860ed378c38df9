import type { SessionData } from 'express-session';
import { MergingStore, type SwapResult } from '../merging.store';
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

type Callback = (err?: unknown) => void;
type AllCallback = (
  err: unknown,
  sessions?: SessionData[] | Record<string, SessionData> | null,
) => void;
type LengthCallback = (err: unknown, length?: number) => void;

/**
 * The embedded store. Unlike express-session's MemoryStore it is bounded and expiring (expired
 * sessions are dropped and freed). Past `maxSessions` the least recently used anonymous session
 * is evicted, and a signed-in one (a session with a `user`) only when no anonymous one is left:
 * a flood of cookie-less visitors cannot sign users out. Each kind is a map in last-use order,
 * and every session has the same lifetime, so eviction and the sweep only look at oldest ends.
 */
export class MemorySessionStore extends MergingStore {
  private readonly anonymous: Lru = new Map();
  private readonly signedIn: Lru = new Map();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: MemorySessionStoreOptions) {
    super();
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
    const interval = options.sweepInterval ?? Math.min(this.ttlMs, 60_000);
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
  }

  get size(): number {
    return this.anonymous.size + this.signedIn.size;
  }

  /** Drops every expired session. */
  sweep(): void {
    const now = this.now();
    for (const lru of [this.anonymous, this.signedIn]) {
      for (const [id, entry] of lru) {
        if (entry.expiresAt > now) break;
        lru.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  protected async readRaw(id: string): Promise<string | null> {
    const found = this.live(id);
    if (!found) return null;
    const [lru, entry] = found;
    lru.delete(id);
    lru.set(id, { raw: entry.raw, expiresAt: this.now() + this.ttlMs });
    return entry.raw;
  }

  protected async writeRaw(id: string, raw: string): Promise<void> {
    this.put(id, raw);
  }

  protected override async writeRawIfAbsent(id: string, raw: string): Promise<boolean> {
    if (this.live(id)) return false;
    this.put(id, raw);
    return true;
  }

  protected async compareAndSwap(id: string, expected: string, next: string): Promise<SwapResult> {
    const found = this.live(id);
    if (!found) return null;
    if (found[1].raw !== expected) return found[1].raw;
    this.put(id, next);
    return true;
  }

  protected async peekRaw(id: string): Promise<string | null> {
    return this.live(id)?.[1].raw ?? null;
  }

  protected async deleteRaw(id: string): Promise<void> {
    this.forget(id);
  }

  override all(callback: AllCallback): void {
    this.sweep();
    const sessions: Record<string, SessionData> = {};
    for (const lru of [this.anonymous, this.signedIn]) {
      for (const [id, entry] of lru) {
        const data = parseSessionJson(entry.raw);
        if (data) sessions[id] = data as unknown as SessionData;
      }
    }
    callback(null, sessions);
  }

  override length(callback: LengthCallback): void {
    this.sweep();
    callback(null, this.size);
  }

  override clear(callback?: Callback): void {
    this.anonymous.clear();
    this.signedIn.clear();
    callback?.();
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

  private put(id: string, raw: string): void {
    this.forget(id);
    const lru = isSignedIn(raw) ? this.signedIn : this.anonymous;
    lru.set(id, { raw, expiresAt: this.now() + this.ttlMs });
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
