import { Logger } from '@nestjs/common';
import { Store, type SessionData } from 'express-session';
import type { Request } from 'express';
import { SessionStoreError } from '../errors';
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

const MAX_MERGE_ATTEMPTS = 16;

/**
 * An express-session store that writes only what a request changed (a patch, see
 * session-patch.ts), merged atomically onto what is stored by then (compare-and-swap, retried on
 * conflict), and never writes back a session that was destroyed while the request was in
 * flight. Reads slide the expiry, so `touch` costs nothing. Subclasses supply four primitives.
 */
export abstract class MergingStore extends Store {
  protected readonly logger = new Logger('SessionStore');
  private readonly loadedRaw = new WeakMap<object, string>();
  /** For each live session object: the stored JSON it was loaded from or last saved as. */
  private readonly snapshots = new WeakMap<object, string>();

  /** Returns the stored JSON and slides its expiry, or null. */
  protected abstract readRaw(sid: string): Promise<string | null>;
  /** Stores a new session's JSON. */
  protected abstract writeRaw(sid: string, raw: string): Promise<void>;
  /** Replaces `expected` with `next` only if `expected` is still what is stored. */
  protected abstract compareAndSwap(
    sid: string,
    expected: string,
    next: string,
  ): Promise<SwapResult>;
  protected abstract deleteRaw(sid: string): Promise<void>;

  override get(sid: string, callback: GetCallback): void {
    this.readRaw(sid).then(
      (raw) => callback(null, raw === null ? null : this.adoptRaw(sid, raw)),
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
    this.save(sid, session).then(
      () => callback?.(),
      (err: unknown) => callback?.(storeError('write', err)),
    );
  }

  override touch(_sid: string, _session: SessionData, callback?: Callback): void {
    callback?.();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.deleteRaw(sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(storeError('delete', err)),
    );
  }

  /** True when the session holds changes its store has not seen. */
  hasUnsavedChanges(session: object): boolean {
    const raw = this.snapshots.get(session);
    return raw === undefined || this.patchFor(raw, session) !== undefined;
  }

  private adoptRaw(sid: string, raw: string): SessionData | null {
    const data = parseSessionJson(raw);
    if (!data) {
      this.logger.warn(`Ignoring unreadable stored session ${sid.slice(0, 6)}…`);
      return null;
    }
    this.loadedRaw.set(data, raw);
    return data as unknown as SessionData;
  }

  private async save(sid: string, session: SessionData): Promise<void> {
    const loaded = this.snapshots.get(session);
    if (loaded === undefined) {
      const raw = JSON.stringify(session);
      await this.writeRaw(sid, raw);
      this.snapshots.set(session, raw);
      return;
    }
    const patch = this.patchFor(loaded, session);
    if (!patch) return;
    let base = loaded;
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      const merged = applyPatch(parseSessionJson(base) ?? {}, patch) as Record<string, unknown>;
      merged.cookie = session.cookie;
      const next = JSON.stringify(merged);
      const result = await this.compareAndSwap(sid, base, next);
      if (result === null) return;
      if (result === true) {
        this.snapshots.set(session, next);
        return;
      }
      base = result;
    }
    throw new SessionStoreError(`Session write kept conflicting after ${MAX_MERGE_ATTEMPTS} tries`);
  }

  private patchFor(storedJson: string, session: object): SessionPatch | undefined {
    const { cookie: _cookie, ...before } = parseSessionJson(storedJson) ?? {};
    return diffJson(before, sessionDataOf(session));
  }
}

function storeError(action: string, err: unknown): SessionStoreError {
  if (err instanceof SessionStoreError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new SessionStoreError(`Session store ${action} failed: ${reason}`, { cause: err });
}
