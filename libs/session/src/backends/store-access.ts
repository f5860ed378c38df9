import type { SessionData, Store } from 'express-session';
import type { SessionStoreAccess } from './backend';
import type { MergingStore } from './merging.store';

/**
 * Promise access to any express-session store: a read is its `get` (which may slide the
 * expiry), an update a read then a whole `set` (not atomic: a concurrent write may be lost).
 */
export class ExpressStoreAccess implements SessionStoreAccess {
  constructor(private readonly store: Store) {}

  peek(sid: string): Promise<SessionData | null> {
    return new Promise((resolve, reject) =>
      this.store.get(sid, (err, data) => (err ? reject(err) : resolve(data ?? null))),
    );
  }

  async update(sid: string, change: (data: SessionData) => void): Promise<boolean> {
    const data = await this.peek(sid);
    if (!data) return false;
    change(data);
    await new Promise<void>((resolve, reject) =>
      this.store.set(sid, data, (err) => (err ? reject(err) : resolve())),
    );
    return true;
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

  hasUnsavedChanges(session: object): boolean {
    return this.store.hasUnsavedChanges(session);
  }
}
