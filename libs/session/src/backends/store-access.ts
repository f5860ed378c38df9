import type { SessionData, Store } from 'express-session';
import type { SessionStoreAccess } from './backend';
import { toSessionStoreError } from './store-error';
import type { MergingStore, ValueChange, ValueUpdate } from './merging.store';

/**
 * Promise access to any express-session store: a read is its `get` (which may slide the
 * expiry), an update a read then a whole `set`. Such a store has no compare-and-swap, so
 * `updateValue` is serialised per session in this process only, and express-session's own
 * end-of-request save of a concurrent request may still overwrite it: stores built on
 * MergingStore are atomic across processes.
 */
export class ExpressStoreAccess implements SessionStoreAccess {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  updateValue<T>(
    sid: string,
    session: object,
    key: string,
    change: ValueChange<T>,
  ): Promise<ValueUpdate<T>> {
    const run = async (): Promise<ValueUpdate<T>> => {
      const stored = (await this.peek(sid).catch(asStoreError('read'))) as Record<
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
      await this.set(sid, stored as unknown as SessionData).catch(asStoreError('write'));
      return { value, stored: true };
    };
    const previous = this.queues.get(sid) ?? Promise.resolve();
    const current = previous.then(run, run);
    const settled = current.catch(() => undefined);
    this.queues.set(sid, settled);
    void settled.then(() => {
      if (this.queues.get(sid) === settled) this.queues.delete(sid);
    });
    return current;
  }

  peek(sid: string): Promise<SessionData | null> {
    return new Promise((resolve, reject) =>
      this.store.get(sid, (err, data) => (err ? reject(err) : resolve(data ?? null))),
    );
  }

  async update(sid: string, change: (data: SessionData) => void): Promise<boolean> {
    const data = await this.peek(sid);
    if (!data) return false;
    change(data);
    await this.set(sid, data);
    return true;
  }

  private set(sid: string, data: SessionData): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.store.set(sid, data, (err) => (err ? reject(err) : resolve())),
    );
  }

  destroy(sid: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.store.destroy(sid, (err) => (err ? reject(err) : resolve())),
    );
  }
}

/** Access to a merging store: reads that do not slide, atomic merged updates, unsaved changes. */
export class MergingStoreAccess implements SessionStoreAccess {
  constructor(private readonly store: MergingStore) {}

  peek(sid: string): Promise<SessionData | null> {
    return this.store.peek(sid);
  }

  update(sid: string, change: (data: SessionData) => void): Promise<boolean> {
    return this.store.update(sid, change);
  }

  modify(sid: string, change: (data: SessionData) => void): Promise<boolean> {
    return this.store.modify(sid, change);
  }

  destroy(sid: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.store.destroy(sid, (err) => (err ? reject(err) : resolve())),
    );
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
