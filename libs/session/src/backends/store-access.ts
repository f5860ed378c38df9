import type { SessionData, Store } from 'express-session';
import { MergingStore } from './merging.store';

/**
 * Promise access to any express-session store, using the merging stores' non-sliding reads and
 * atomic updates where the store has them.
 */
export class StoreAccess {
  constructor(private readonly store: Store) {}

  peek(sid: string): Promise<SessionData | null> {
    if (this.store instanceof MergingStore) return this.store.peek(sid);
    return new Promise((resolve, reject) =>
      this.store.get(sid, (err, data) => (err ? reject(err) : resolve(data ?? null))),
    );
  }

  async update(sid: string, change: (data: SessionData) => void): Promise<boolean> {
    if (this.store instanceof MergingStore) return this.store.update(sid, change);
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
