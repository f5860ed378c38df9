import type { SessionData, Store } from 'express-session';
import type { SessionStoreAccess } from './backend';
import { SessionIdsAtRest } from '../security/session-ids-at-rest';
import { toSessionStoreError } from './store-error';
import type { MergingStore, ValueChange, ValueUpdate } from './merging.store';

/**
 * Promise access to any express-session store, by stored id (`storedIdOf`: what a HashedIdStore
 * in front of it keeps, or the session id itself): a read is its `get` (which may slide the
 * expiry), an update a read then a whole `set`. Such a store has no compare-and-swap, so
 * `updateValue` is serialised per session in this process only, and express-session's own
 * end-of-request save of a concurrent request may still overwrite it: stores built on
 * MergingStore are atomic across processes.
 */
export class ExpressStoreAccess implements SessionStoreAccess {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly ids: SessionIdsAtRest = SessionIdsAtRest.RAW,
  ) {}

  storedIdOf(sid: string): string {
    return this.ids.storedIdOf(sid);
  }

  updateValue<T>(
    sid: string,
    session: object,
    key: string,
    change: ValueChange<T>,
  ): Promise<ValueUpdate<T>> {
    const id = this.storedIdOf(sid);
    const run = async (): Promise<ValueUpdate<T>> => {
      const stored = (await this.peek(id).catch(asStoreError('read'))) as Record<
        string,
        unknown
      > | null;
      const live = session as Record<string, unknown>;
      const value = change(structuredClone((stored ?? live)[key]) as T | undefined);
      if (value === undefined) delete live[key];
      else live[key] = structuredClone(value);
      if (!stored) return { value, stored: false };
      if (value === undefined) delete stored[key];
      else stored[key] = value;
      await this.set(id, stored as unknown as SessionData).catch(asStoreError('write'));
      return { value, stored: true };
    };
    const previous = this.queues.get(id) ?? Promise.resolve();
    const current = previous.then(run, run);
    const settled = current.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return current;
  }

  peek(id: string): Promise<SessionData | null> {
    return new Promise((resolve, reject) =>
      this.store.get(id, (err, data) => (err ? reject(err) : resolve(data ?? null))),
    );
  }

  async update(id: string, change: (data: SessionData) => void): Promise<boolean> {
    const data = await this.peek(id);
    if (!data) return false;
    change(data);
    await this.set(id, data);
    return true;
  }

  private set(id: string, data: SessionData): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.store.set(id, data, (err) => (err ? reject(err) : resolve())),
    );
  }

  destroy(id: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.store.destroy(id, (err) => (err ? reject(err) : resolve())),
    );
  }
}

/** Access to a merging store: reads that do not slide, atomic merged updates, unsaved changes. */
export class MergingStoreAccess implements SessionStoreAccess {
  constructor(private readonly store: MergingStore) {}

  storedIdOf(sid: string): string {
    return this.store.storedIdOf(sid);
  }

  peek(id: string): Promise<SessionData | null> {
    return this.store.peek(id);
  }

  update(id: string, change: (data: SessionData) => void): Promise<boolean> {
    return this.store.update(id, change);
  }

  modify(id: string, change: (data: SessionData) => void): Promise<boolean> {
    return this.store.modify(id, change);
  }

  destroy(id: string): Promise<void> {
    return this.store.remove(id);
  }

  updateValue<T>(
    sid: string,
    session: object,
    key: string,
    change: ValueChange<T>,
  ): Promise<ValueUpdate<T>> {
    return this.store.updateValue(sid, session, key, change);
  }

  hasUnsavedChanges(session: object): boolean {
    return this.store.hasUnsavedChanges(session);
  }
}

function asStoreError(action: string): (err: unknown) => never {
  return (err) => {
    throw toSessionStoreError(action, err);
  };
}
