import type { SessionData } from 'express-session';
import { MergingStore, type SwapResult } from '../merging.store';
import { parseSessionJson } from '../session-patch';

interface Entry {
  raw: string;
  expiresAt: number;
}

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
 * The embedded store. Unlike express-session's MemoryStore it is bounded (past `maxSessions` the
 * least recently used session is evicted) and expiring (expired sessions are dropped and freed).
 * The map is kept in last-use order, and every session has the same lifetime, so both eviction
 * and the sweep only ever look at its oldest end.
 */
export class MemorySessionStore extends MergingStore {
  private readonly entries = new Map<string, Entry>();
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
    return this.entries.size;
  }

  /** Drops every expired session. */
  sweep(): void {
    const now = this.now();
    for (const [sid, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(sid);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  protected async readRaw(sid: string): Promise<string | null> {
    const entry = this.live(sid);
    if (!entry) return null;
    this.put(sid, entry.raw);
    return entry.raw;
  }

  protected async writeRaw(sid: string, raw: string): Promise<void> {
    this.put(sid, raw);
  }

  protected async compareAndSwap(sid: string, expected: string, next: string): Promise<SwapResult> {
    const entry = this.live(sid);
    if (!entry) return null;
    if (entry.raw !== expected) return entry.raw;
    this.put(sid, next);
    return true;
  }

  protected async peekRaw(sid: string): Promise<string | null> {
    return this.live(sid)?.raw ?? null;
  }

  protected async deleteRaw(sid: string): Promise<void> {
    this.entries.delete(sid);
  }

  override all(callback: AllCallback): void {
    this.sweep();
    const sessions: Record<string, SessionData> = {};
    for (const [sid, entry] of this.entries) {
      const data = parseSessionJson(entry.raw);
      if (data) sessions[sid] = data as unknown as SessionData;
    }
    callback(null, sessions);
  }

  override length(callback: LengthCallback): void {
    this.sweep();
    callback(null, this.entries.size);
  }

  override clear(callback?: Callback): void {
    this.entries.clear();
    callback?.();
  }

  private live(sid: string): Entry | undefined {
    const entry = this.entries.get(sid);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(sid);
      return undefined;
    }
    return entry;
  }

  private put(sid: string, raw: string): void {
    this.entries.delete(sid);
    this.entries.set(sid, { raw, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.options.maxSessions) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
