import { Logger } from '@nestjs/common';
import { Store, type SessionData } from 'express-session';
import type { Request } from 'express';
import { SessionErrors, SessionStoreError } from '../errors';
import { SessionIdsAtRest } from '../security/session-ids-at-rest';
import { toSessionStoreError as storeError } from './store-error';
import {
  applyPatch,
  diffJson,
  parseSessionJson,
  sessionDataOf,
  type SessionPatch,
} from './session-patch';

type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: SessionData | null) => void;

/** The outcome of a compare-and-swap: stored, the session is gone, or the text now stored. */
export type SwapResult = true | null | string;

/** How one key's value changes: from what is stored now (a copy) to what to store (undefined deletes). */
export type ValueChange<T = unknown> = (current: T | undefined) => T | undefined;

/** What an atomic update stored, and whether it reached the store (false: the session is gone or not stored yet). */
export interface ValueUpdate<T = unknown> {
  value: T | undefined;
  stored: boolean;
}

const MAX_MERGE_ATTEMPTS = 16;
/** Attempts of one atomic read-modify-write before it gives up with SESSION_UPDATE_CONFLICT. */
export const MAX_UPDATE_ATTEMPTS = 64;

/** Emitted (`rekey`) when a session found under an older key was moved to its current one. */
export interface SessionRekeyEvent {
  from: string;
  to: string;
  data: SessionData;
}

/**
 * An express-session store that writes only what a request changed (a patch, see
 * session-patch.ts), merged atomically onto what is stored by then (compare-and-swap, retried on
 * conflict), and never writes back a session that was destroyed while the request was in
 * flight. Reads slide the expiry, so there is no `touch`: express-session then skips its extra
 * check and call on requests that change nothing.
 *
 * Sessions are stored under their id at rest (`SessionIdsAtRest`: a keyed hash of the id by
 * default, set by SessionModule): express-session's calls (get, set, destroy) take the session
 * id, the library's own (peek, update, remove) the stored id the registry keeps. A session found
 * under an older key (another secret's hash, or the raw id) is moved the first time it is read.
 * Subclasses supply the primitives, which only ever see stored ids.
 */
export abstract class MergingStore extends Store {
  protected readonly logger = new Logger('SessionStore');
  private readonly loadedRaw = new WeakMap<object, string>();
  /** For each live session object: the stored JSON it was loaded from or last saved as. */
  private readonly snapshots = new WeakMap<object, string>();
  private idsAtRest = SessionIdsAtRest.RAW;

  /** Returns the stored JSON and slides its expiry, or null. */
  protected abstract readRaw(id: string): Promise<string | null>;
  /** Stores a new session's JSON. */
  protected abstract writeRaw(id: string, raw: string): Promise<void>;
  /** Replaces `expected` with `next` only if `expected` is still what is stored. */
  protected abstract compareAndSwap(
    id: string,
    expected: string,
    next: string,
  ): Promise<SwapResult>;
  protected abstract deleteRaw(id: string): Promise<void>;
  /** Returns the stored JSON without sliding its expiry, or null. */
  protected abstract peekRaw(id: string): Promise<string | null>;

  /**
   * Stores a session's JSON only where none is stored; false when one is. Override it with the
   * store's atomic form (Redis `SET NX`, SQL `ON CONFLICT DO NOTHING`): this default can race.
   */
  protected async writeRawIfAbsent(id: string, raw: string): Promise<boolean> {
    if ((await this.peekRaw(id)) !== null) return false;
    await this.writeRaw(id, raw);
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

  override get(sid: string, callback: GetCallback): void {
    this.readCurrent(sid).then(
      (raw) => callback(null, raw === null ? null : this.adoptRaw(raw)),
      (err: unknown) => callback(storeError('read', err)),
    );
  }

  override createSession(req: Request, data: SessionData) {
    const raw = this.loadedRaw.get(data);
    const session = super.createSession(req, data);
    if (raw !== undefined) this.snapshots.set(session, raw);
    return session;
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.save(this.storedIdOf(sid), session).then(
      () => callback?.(),
      (err: unknown) => callback?.(storeError('write', err)),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.remove(this.storedIdOf(sid)).then(
      () => callback?.(),
      (err: unknown) => callback?.(storeError('delete', err)),
    );
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
   * concurrent writes. Resolves false when the session no longer exists.
   */
  async update(id: string, change: (data: SessionData) => void): Promise<boolean> {
    const raw = await this.peekRaw(id);
    const before = raw === null ? null : parseSessionJson(raw);
    if (raw === null || before === null) return false;
    const after = structuredClone(before);
    change(after as unknown as SessionData);
    const patch = diffJson(before, after);
    return !patch || (await this.writePatch(id, raw, patch)) !== null;
  }

  /**
   * A read-modify-write of a stored session as one step: `change` runs on what is stored, and
   * again on what another writer stored meanwhile, until its result is swapped in. Resolves
   * false when the session no longer exists; an error thrown by `change` leaves it unchanged.
   */
  async modify(id: string, change: (data: SessionData) => void): Promise<boolean> {
    let raw = await this.peekRaw(id);
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      const data = raw === null ? null : parseSessionJson(raw);
      if (raw === null || data === null) return false;
      change(data as unknown as SessionData);
      const result = await this.compareAndSwap(id, raw, JSON.stringify(data));
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
      assignOrDelete(stored, key, value);
      const next: string = JSON.stringify(stored);
      const result: SwapResult =
        next === base
          ? true
          : await this.compareAndSwap(id, base, next).catch((err: unknown) => {
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

  /** True when the session holds changes its store has not seen. */
  hasUnsavedChanges(session: object): boolean {
    const raw = this.snapshots.get(session);
    return raw === undefined || this.patchFor(raw, session) !== undefined;
  }

  /** The stored JSON of the session with this id, moved from an older key if found there. */
  private async readCurrent(sid: string): Promise<string | null> {
    const id = this.storedIdOf(sid);
    const raw = await this.readRaw(id);
    if (raw !== null) return raw;
    for (const legacy of this.idsAtRest.legacyIdsOf(sid)) {
      const found = await this.readRaw(legacy);
      if (found !== null) return this.rekey(legacy, id, found);
    }
    return null;
  }

  private async rekey(from: string, to: string, raw: string): Promise<string | null> {
    const placed = await this.writeRawIfAbsent(to, raw);
    await this.deleteRaw(from);
    if (!placed) return this.readRaw(to);
    const data = parseSessionJson(raw);
    if (data) {
      const event: SessionRekeyEvent = { from, to, data: data as unknown as SessionData };
      this.emit('rekey', event);
    }
    return raw;
  }

  private adoptRaw(raw: string): SessionData | null {
    const data = parseSessionJson(raw);
    if (!data) {
      this.logger.warn('Ignoring an unreadable stored session');
      return null;
    }
    this.loadedRaw.set(data, raw);
    return data as unknown as SessionData;
  }

  private async save(id: string, session: SessionData): Promise<void> {
    const loaded = this.snapshots.get(session);
    if (loaded === undefined) {
      const raw = JSON.stringify(session);
      await this.writeRaw(id, raw);
      this.snapshots.set(session, raw);
      return;
    }
    const patch = this.patchFor(loaded, session);
    if (!patch) return;
    const stored = await this.writePatch(id, loaded, patch, session.cookie);
    if (stored !== null) this.snapshots.set(session, stored);
  }

  /**
   * Applies the patch onto what is stored, by compare-and-swap from `base`, retrying on what
   * another writer stored meanwhile. Resolves the stored JSON, or null when the session is gone.
   */
  private async writePatch(
    id: string,
    base: string,
    patch: SessionPatch,
    cookie?: unknown,
  ): Promise<string | null> {
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      const merged = applyPatch(parseSessionJson(base) ?? {}, patch) as Record<string, unknown>;
      if (cookie !== undefined) merged.cookie = cookie;
      const next = JSON.stringify(merged);
      const result = await this.compareAndSwap(id, base, next);
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
