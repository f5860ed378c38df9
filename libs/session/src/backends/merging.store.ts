import { Logger } from '@nestjs/common';
import { Store, type SessionData } from 'express-session';
import type { Request } from 'express';
import { SessionErrors, SessionStoreError } from '../errors';
import { SessionIdsAtRest } from '../security/session-ids-at-rest';
import {
  applyPatch,
  diffJson,
  jsonEqual,
  parseSessionJson,
  sessionDataOf,
  type SessionPatch,
} from './session-patch';
import {
  cookieChanged,
  readTtlMs,
  slideCookie,
  writeTtlMs,
  type StoredCookie,
} from './session-expiry';
import { toSessionStoreError as storeError } from './store-error';

/** The outcome of a compare-and-swap: stored, the session is gone, or the text now stored. */
export type SwapResult = true | null | string;

/** How one key's value changes: from what is stored now (a copy) to what to store (undefined deletes). */
export type ValueChange<T = unknown> = (current: T | undefined) => T | undefined;

/** What an atomic update stored, and whether it reached the store (false: the session is gone or not stored yet). */
export interface ValueUpdate<T = unknown> {
  value: T | undefined;
  stored: boolean;
}

/** Attempts of one atomic read-modify-write before it gives up with SESSION_UPDATE_CONFLICT. */
export const MAX_UPDATE_ATTEMPTS = 64;

/** Emitted (`rekey`) when a session found under an older key was moved to its current one. */
export interface SessionRekeyEvent {
  from: string;
  to: string;
  data: SessionData;
}

/** A write's expiry: ms from now, or 'keep' to leave the stored expiry as it is. */
export type WriteExpiry = number | 'keep';

type Callback = (err?: unknown) => void;
type ValueCallback<T> = (err: unknown, value?: T) => void;
type SessionMap = Record<string, SessionData>;

const MAX_MERGE_ATTEMPTS = 16;
/** How many unreadable stored sessions are remembered as reported (each is reported once). */
const MAX_REPORTED_UNREADABLE = 1000;
const NO_CHANGE: SessionPatch = { kind: 'merge', entries: new Map() };

/**
 * An express-session store that writes only what a request changed (a patch, see
 * session-patch.ts), merged atomically onto what is stored by then (compare-and-swap, retried on
 * conflict), and never writes back a session that was destroyed while the request was in flight.
 *
 * It keeps express-session's store contract: a session never outlives its cookie (the expiry is
 * at most the time to `cookie.expires`, capped by the store's ttl); a read slides the expiry as
 * express-session's touch then slides the cookie, so `touch` sends nothing unless the request
 * changed the cookie itself; callbacks run exactly once, outside any promise chain, and every
 * method returns a promise when called without one; bulk operations skip (and log) entries that
 * are not sessions.
 *
 * Sessions are stored under their id at rest (`SessionIdsAtRest`: a keyed hash of the id by
 * default, set by SessionModule): express-session's calls (get, set, destroy, touch) take the
 * session id, the library's own (peek, update, remove) the stored id the registry keeps. A
 * session found under an older key (another secret's hash, or the raw id) is moved the first
 * time it is read. Subclasses supply the primitives below, which only ever see stored ids (bulk
 * operations answer stored ids too).
 */
export abstract class MergingStore extends Store {
  protected readonly logger = new Logger('SessionStore');
  private readonly loadedRaw = new WeakMap<object, string>();
  /** For each live session object: the stored JSON it was loaded from or last saved as. */
  private readonly snapshots = new WeakMap<object, string>();
  /** For each live session object: the cookie of the stored JSON it was last compared with. */
  private readonly storedCookies = new WeakMap<object, KnownCookie>();
  private idsAtRest = SessionIdsAtRest.RAW;
  private readonly reportedUnreadable = new Set<string>();

  /**
   * @param storeTtlMs the longest the store keeps a session after its last use
   * @param now the clock
   */
  constructor(
    protected readonly storeTtlMs: number,
    protected readonly now: () => number = Date.now,
  ) {
    super();
  }

  /**
   * Returns the stored JSON and sets its expiry to `expiryOf(json)` ms from now, in the same
   * round trip where it can; when that is zero or less the session has expired: delete it and
   * resolve null.
   */
  protected abstract readRaw(id: string, expiryOf: (raw: string) => number): Promise<string | null>;
  /** Stores a session's JSON, expiring `ttlMs` from now. */
  protected abstract writeRaw(id: string, raw: string, ttlMs: number): Promise<void>;
  /**
   * Replaces `expected` with `next` only if the stored bytes are still exactly `expected`'s;
   * resolves null when the session is gone.
   */
  protected abstract compareAndSwap(
    id: string,
    expected: string,
    next: string,
    expiry: WriteExpiry,
  ): Promise<SwapResult>;
  protected abstract deleteRaw(id: string): Promise<void>;
  /** Returns the stored JSON without sliding its expiry, or null. */
  protected abstract peekRaw(id: string): Promise<string | null>;
  /** Sets the expiry of a stored session, if it exists. */
  protected abstract expireRaw(id: string, ttlMs: number): Promise<void>;
  /**
   * Every stored session as [id, JSON]; the JSON is null for an entry that cannot be read as
   * text (a foreign value under the store's keys). Maintenance only, never on a request path.
   */
  protected abstract listRaw(): Promise<[string, string | null][]>;
  /** Deletes every stored session; resolves how many entries it removed. */
  protected abstract clearRaw(): Promise<number>;

  /**
   * Stores a session's JSON only where none is stored; false when one is. Override it with the
   * store's atomic form (Redis `SET NX`, SQL `ON CONFLICT DO NOTHING`): this default can race.
   */
  protected async writeRawIfAbsent(id: string, raw: string, ttlMs: number): Promise<boolean> {
    if ((await this.peekRaw(id)) !== null) return false;
    await this.writeRaw(id, raw, ttlMs);
    return true;
  }

  /** How session ids are kept at rest; SessionModule sets it from the `idsAtRest` option. */
  useIdsAtRest(ids: SessionIdsAtRest): void {
    this.idsAtRest = ids;
  }

  /** The id the session with this (cookie) id is stored under. */
  storedIdOf(sid: string): string {
    return this.idsAtRest.storedIdOf(sid);
  }

  override get(sid: string): Promise<SessionData | null>;
  override get(sid: string, callback: ValueCallback<SessionData | null>): void;
  override get(sid: string, callback?: ValueCallback<SessionData | null>) {
    return respond(this.readSession(sid), 'read', callback);
  }

  override createSession(req: Request, data: SessionData) {
    const raw = this.loadedRaw.get(data);
    const session = super.createSession(req, data);
    if (raw !== undefined) this.snapshots.set(session, raw);
    const cookie = this.storedCookies.get(data);
    if (cookie !== undefined) this.storedCookies.set(session, cookie);
    return session;
  }

  override set(sid: string, session: SessionData): Promise<void>;
  override set(sid: string, session: SessionData, callback: Callback): void;
  override set(sid: string, session: SessionData, callback?: Callback) {
    return respondVoid(this.save(this.storedIdOf(sid), session), 'write', callback);
  }

  /**
   * Sends nothing for a session this store loaded with the same cookie (its read already slid
   * the expiry); writes the cookie when the request changed it; slides the expiry of a session
   * this store instance did not load.
   */
  override touch(sid: string, session: SessionData): Promise<void>;
  override touch(sid: string, session: SessionData, callback: Callback): void;
  override touch(sid: string, session: SessionData, callback?: Callback) {
    return respondVoid(this.slide(sid, session), 'touch', callback);
  }

  override destroy(sid: string): Promise<void>;
  override destroy(sid: string, callback: Callback): void;
  override destroy(sid: string, callback?: Callback) {
    return respondVoid(this.remove(this.storedIdOf(sid)), 'delete', callback);
  }

  /** Every stored session by id, in an object without a prototype (so no id is special). */
  override all(): Promise<SessionMap>;
  override all(callback: ValueCallback<SessionMap>): void;
  override all(callback?: ValueCallback<SessionMap>) {
    const work = this.readableSessions('all').then((sessions) => {
      const map = Object.create(null) as SessionMap;
      for (const [sid, data] of sessions) map[sid] = data;
      return map;
    });
    return respond(work, 'all', callback);
  }

  override length(): Promise<number>;
  override length(callback: ValueCallback<number>): void;
  override length(callback?: ValueCallback<number>) {
    return respond(
      this.readableSessions('length').then((sessions) => sessions.length),
      'length',
      callback,
    );
  }

  /** The ids of every stored session (connect-redis' `ids`). */
  ids(): Promise<string[]>;
  ids(callback: ValueCallback<string[]>): void;
  ids(callback?: ValueCallback<string[]>) {
    return respond(
      this.readableSessions('ids').then((sessions) => sessions.map(([sid]) => sid)),
      'ids',
      callback,
    );
  }

  override clear(): Promise<void>;
  override clear(callback: Callback): void;
  override clear(callback?: Callback) {
    return respondVoid(this.clearRaw(), 'clear', callback);
  }

  /** Deletes the session stored under this stored id. */
  remove(id: string): Promise<void> {
    return this.deleteRaw(id);
  }

  /** Reads a session by stored id without sliding its expiry (listings must not keep sessions alive). */
  async peek(id: string): Promise<SessionData | null> {
    const raw = await this.peekRaw(id);
    return raw === null ? null : (parseSessionJson(raw) as unknown as SessionData | null);
  }

  /**
   * Changes a stored session outside any request (a role change, say), merged atomically with
   * concurrent writes, its expiry left as it is. Resolves false when the session no longer exists.
   */
  async update(id: string, change: (data: SessionData) => void): Promise<boolean> {
    const raw = await this.peekRaw(id);
    const before = raw === null ? null : parseSessionJson(raw);
    if (raw === null || before === null) return false;
    const after = structuredClone(before);
    change(after as unknown as SessionData);
    const patch = diffJson(before, after);
    return !patch || (await this.writePatch(id, raw, patch, 'keep')) !== null;
  }

  /**
   * A read-modify-write of a stored session as one step: `change` runs on what is stored, and
   * again on what another writer stored meanwhile, until its result is swapped in (its expiry
   * left as it is). Resolves false when the session no longer exists; an error thrown by
   * `change` leaves it unchanged.
   */
  async modify(id: string, change: (data: SessionData) => void): Promise<boolean> {
    let raw = await this.peekRaw(id);
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      const data = raw === null ? null : parseSessionJson(raw);
      if (raw === null || data === null) return false;
      change(data as unknown as SessionData);
      const result = await this.compareAndSwap(id, raw, JSON.stringify(data), 'keep');
      if (result === null) return false;
      if (result === true) return true;
      raw = result;
    }
    throw new SessionStoreError(
      `Session update kept conflicting after ${MAX_MERGE_ATTEMPTS} tries`,
    );
  }

  /**
   * Applies `change` to one key of a request's session as it is stored now, by compare-and-swap
   * from what the request loaded, retried on conflict with what another writer stored meanwhile
   * (so `change` may run more than once: keep it pure). The live session object takes the result
   * without it counting as an unsaved change. A session not stored yet, or destroyed meanwhile,
   * is changed in memory only. Past MAX_UPDATE_ATTEMPTS: 409 SESSION_UPDATE_CONFLICT.
   */
  async updateValue<T>(
    sid: string,
    session: object,
    key: string,
    change: ValueChange<T>,
  ): Promise<ValueUpdate<T>> {
    let base = this.snapshots.get(session);
    const live = session as Record<string, unknown>;
    const id = this.storedIdOf(sid);
    if (base === undefined) {
      const value = change(structuredClone(live[key]) as T | undefined);
      assignOrDelete(live, key, structuredClone(value));
      return { value, stored: false };
    }
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const stored: Record<string, unknown> = parseSessionJson(base) ?? {};
      const value = change(structuredClone(stored[key]) as T | undefined);
      const unchanged = jsonEqual(stored[key], value);
      assignOrDelete(stored, key, value);
      const next: string = JSON.stringify(stored);
      const result: SwapResult = unchanged
        ? true
        : await this.compareAndSwap(id, base, next, 'keep').catch((err: unknown) => {
            throw storeError('write', err);
          });
      if (typeof result === 'string') {
        base = result;
        continue;
      }
      if (result === true) this.rebaseSnapshot(session, key, value);
      assignOrDelete(live, key, structuredClone(value));
      return { value, stored: result === true };
    }
    throw SessionErrors.updateConflict(key);
  }

  /** True when the session holds data changes its store has not seen (the cookie aside). */
  hasUnsavedChanges(session: object): boolean {
    const raw = this.snapshots.get(session);
    return raw === undefined || this.patchFor(raw, session) !== undefined;
  }

  /** The stored JSON of the session with this id, moved from an older key if found there. */
  private async readCurrent(
    sid: string,
    expiryOf: (raw: string) => number,
  ): Promise<string | null> {
    const id = this.storedIdOf(sid);
    const raw = await this.readRaw(id, expiryOf);
    if (raw !== null) return raw;
    for (const legacy of this.idsAtRest.legacyIdsOf(sid)) {
      const found = await this.readRaw(legacy, expiryOf);
      if (found !== null) return this.rekey(legacy, id, found, expiryOf);
    }
    return null;
  }

  private async rekey(
    from: string,
    to: string,
    raw: string,
    expiryOf: (raw: string) => number,
  ): Promise<string | null> {
    const placed = await this.writeRawIfAbsent(to, raw, expiryOf(raw));
    await this.deleteRaw(from);
    if (!placed) return this.readRaw(to, expiryOf);
    const data = parseSessionJson(raw);
    if (data) {
      const event: SessionRekeyEvent = { from, to, data: data as unknown as SessionData };
      this.emit('rekey', event);
    }
    return raw;
  }

  private async readSession(sid: string): Promise<SessionData | null> {
    const now = this.now();
    const seen: { raw?: string; data?: Record<string, unknown> | null } = {};
    const raw = await this.readCurrent(sid, (text) => {
      seen.raw = text;
      seen.data = parseSessionJson(text);
      const cookie = seen.data?.cookie as StoredCookie | undefined;
      return cookie ? readTtlMs(cookie, this.storeTtlMs, now) : this.storeTtlMs;
    });
    if (raw === null) return null;
    const data = seen.raw === raw && seen.data !== undefined ? seen.data : parseSessionJson(raw);
    if (!data) {
      this.reportUnreadable(this.storedIdOf(sid));
      return null;
    }
    this.storedCookies.set(data, { raw, cookie: { ...(data.cookie as StoredCookie) } });
    slideCookie(data.cookie as StoredCookie, now);
    this.loadedRaw.set(data, raw);
    return data as unknown as SessionData;
  }

  private async save(id: string, session: SessionData): Promise<void> {
    const cookie = plainCookie(session);
    const ttlMs = writeTtlMs(cookie, this.storeTtlMs, this.now());
    if (ttlMs <= 0) {
      await this.deleteRaw(id);
      return;
    }
    const loaded = this.snapshots.get(session);
    if (loaded === undefined) {
      const raw = JSON.stringify(session);
      await this.writeRaw(id, raw, ttlMs);
      this.snapshots.set(session, raw);
      return;
    }
    let patch = this.patchFor(loaded, session);
    if (!patch && !cookieChanged(this.storedCookieOf(session, loaded), cookie)) return;
    patch ??= NO_CHANGE;
    const stored = await this.writePatch(id, loaded, patch, ttlMs, cookie);
    if (stored !== null) this.snapshots.set(session, stored);
  }

  /** Hashes the id (ids at rest) only when there is something to send. */
  private async slide(sid: string, session: SessionData): Promise<void> {
    const loaded = this.snapshots.get(session) ?? this.loadedRaw.get(session);
    if (loaded !== undefined) {
      if (cookieChanged(this.storedCookieOf(session, loaded), plainCookie(session))) {
        await this.save(this.storedIdOf(sid), session);
      }
      return;
    }
    const ttlMs = writeTtlMs(plainCookie(session), this.storeTtlMs, this.now());
    if (ttlMs <= 0) await this.deleteRaw(this.storedIdOf(sid));
    else await this.expireRaw(this.storedIdOf(sid), ttlMs);
  }

  /** The cookie stored in `raw`, parsed once per stored text a session is compared with. */
  private storedCookieOf(session: object, raw: string): StoredCookie | undefined {
    const known = this.storedCookies.get(session);
    if (known?.raw === raw) return known.cookie;
    const cookie = parseSessionJson(raw)?.cookie as StoredCookie | undefined;
    this.storedCookies.set(session, { raw, cookie });
    return cookie;
  }

  /** Warns once about each unreadable stored session that a request reads as none. */
  private reportUnreadable(id: string): void {
    if (this.reportedUnreadable.has(id)) return;
    if (this.reportedUnreadable.size >= MAX_REPORTED_UNREADABLE) this.reportedUnreadable.clear();
    this.reportedUnreadable.add(id);
    this.logger.warn(
      'Ignoring an unreadable stored session (not a JSON object with a usable cookie): it reads as no session',
    );
  }

  /** The stored sessions that read as sessions; the others are counted in one warning. */
  private async readableSessions(operation: string): Promise<[string, SessionData][]> {
    const sessions: [string, SessionData][] = [];
    let skipped = 0;
    for (const [sid, raw] of await this.listRaw()) {
      const data = raw === null ? null : parseSessionJson(raw);
      if (data) sessions.push([sid, data as unknown as SessionData]);
      else skipped += 1;
    }
    if (skipped > 0) {
      this.logger.warn(`${operation}(): skipped ${skipped} stored entries that are not sessions`);
    }
    return sessions;
  }

  /**
   * Applies the patch onto what is stored, by compare-and-swap from `base`, retrying on what
   * another writer stored meanwhile. Resolves the stored JSON, or null when the session is gone.
   */
  private async writePatch(
    id: string,
    base: string,
    patch: SessionPatch,
    expiry: WriteExpiry,
    cookie?: StoredCookie,
  ): Promise<string | null> {
    const loaded = base;
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      const merged = applyPatch(parseSessionJson(base) ?? {}, patch) as Record<string, unknown>;
      if (cookie !== undefined) merged.cookie = cookie;
      if (attempt > 0 && settledMeanwhile(parseSessionJson(base) ?? {}, merged, loaded)) {
        return base;
      }
      const next = JSON.stringify(merged);
      const result = await this.compareAndSwap(id, base, next, expiry);
      if (result === null) return null;
      if (result === true) return next;
      base = result;
    }
    throw new SessionStoreError(`Session write kept conflicting after ${MAX_MERGE_ATTEMPTS} tries`);
  }

  /** Records `key` as stored with `value`, leaving the request's other changes unsaved. */
  private rebaseSnapshot(session: object, key: string, value: unknown): void {
    const snapshot = parseSessionJson(this.snapshots.get(session) ?? '') ?? { cookie: {} };
    assignOrDelete(snapshot, key, value);
    this.snapshots.set(session, JSON.stringify(snapshot));
  }

  private patchFor(storedJson: string, session: object): SessionPatch | undefined {
    const { cookie: _cookie, ...before } = parseSessionJson(storedJson) ?? {};
    return diffJson(before, sessionDataOf(session));
  }
}

function assignOrDelete(object: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete object[key];
  else
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** `auth.lastActivityAt` of a stored session, if it has one. */
function activityOf(data: Record<string, unknown> | null): number | undefined {
  const auth = data?.auth as { lastActivityAt?: unknown } | undefined;
  return typeof auth?.lastActivityAt === 'number' ? auth.lastActivityAt : undefined;
}

/**
 * After a conflict: when another request recorded the session's activity since this one loaded
 * it, the stored time stands (the two are within one activity window), and when that leaves
 * nothing else for this request to write, it is done. Without it, every request in flight when
 * the activity window passes rewrites the time in turn, each invalidating the others.
 */
function settledMeanwhile(
  current: Record<string, unknown>,
  merged: Record<string, unknown>,
  loaded: string,
): boolean {
  const loadedActivity = activityOf(parseSessionJson(loaded));
  const stored = activityOf(current);
  const auth = merged.auth as { lastActivityAt?: number } | undefined;
  if (stored !== undefined && loadedActivity !== undefined && stored > loadedActivity && auth) {
    auth.lastActivityAt = stored;
  }
  const { cookie: mergedCookie, ...mergedData } = merged;
  const { cookie: currentCookie, ...currentData } = current;
  return (
    jsonEqual(mergedData, currentData) &&
    !cookieChanged(currentCookie as StoredCookie | undefined, mergedCookie as StoredCookie)
  );
}

/** The session's cookie as it is stored (express-session's Cookie serialises itself). */
function plainCookie(session: SessionData): StoredCookie {
  return JSON.parse(JSON.stringify(session.cookie ?? {})) as StoredCookie;
}

interface KnownCookie {
  raw: string;
  cookie: StoredCookie | undefined;
}

/**
 * The work as a promise when there is no callback; otherwise nothing, and the callback is called
 * once, on its own tick: an error it throws is the caller's, never an unhandled rejection.
 */
function respond<T>(
  work: Promise<T>,
  action: string,
  callback?: ValueCallback<T>,
): Promise<T> | undefined {
  const settled = work.catch((err: unknown) => Promise.reject(storeError(action, err)));
  if (!callback) return settled;
  settled.then(
    (value) => process.nextTick(callback, null, value),
    (err: unknown) => process.nextTick(callback, err),
  );
  return undefined;
}

function respondVoid(
  work: Promise<unknown>,
  action: string,
  callback?: Callback,
): Promise<void> | undefined {
  const done = work.then(() => undefined);
  if (!callback) return respond(done, action);
  respond(done, action, (err) => (err ? callback(err) : callback()));
  return undefined;
}
