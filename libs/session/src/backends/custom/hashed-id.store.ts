import { Store, type SessionData } from 'express-session';
import type { SessionIdsAtRest } from '../../security/session-ids-at-rest';
import type { SessionRekeyEvent } from '../merging.store';

type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: SessionData | null) => void;
type StoreMethod = 'all' | 'length' | 'clear' | 'touch';

/**
 * A store of the user's own (one not built on MergingStore) behind the ids at rest: every id
 * express-session hands it is replaced by its stored id, and a session found under an older key
 * (another secret's hash, the raw id) is moved the first time it is read. `all`, `length`,
 * `clear` and `touch` are passed through when the store has them.
 */
export class HashedIdStore extends Store {
  constructor(
    readonly inner: Store,
    private readonly ids: SessionIdsAtRest,
  ) {
    super();
    for (const event of ['connect', 'disconnect']) {
      inner.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
    passThrough(this, inner, ids);
  }

  override get(sid: string, callback: GetCallback): void {
    const id = this.ids.storedIdOf(sid);
    this.inner.get(id, (err, data) => {
      if (err || data) return callback(err, data);
      this.findLegacy(this.ids.legacyIdsOf(sid), id, callback);
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.inner.set(this.ids.storedIdOf(sid), session, callback);
  }

  override destroy(sid: string, callback?: Callback): void {
    this.inner.destroy(this.ids.storedIdOf(sid), callback);
  }

  private findLegacy(legacy: string[], to: string, callback: GetCallback): void {
    const [from, ...rest] = legacy;
    if (from === undefined) return callback(null, null);
    this.inner.get(from, (err, data) => {
      if (err) return callback(err);
      if (!data) return this.findLegacy(rest, to, callback);
      this.inner.set(to, data, (setErr) => {
        if (setErr) return callback(setErr);
        this.inner.destroy(from, () => {
          this.emit('rekey', { from, to, data } satisfies SessionRekeyEvent);
          callback(null, data);
        });
      });
    });
  }
}

/** Defines the optional methods only where the user's store has them (express-session checks). */
function passThrough(outer: Store, inner: Store, ids: SessionIdsAtRest): void {
  const target = outer as unknown as Record<StoreMethod, unknown>;
  const source = inner as unknown as Record<
    StoreMethod,
    ((...args: unknown[]) => unknown) | undefined
  >;
  for (const name of ['all', 'length', 'clear'] as const) {
    const method = source[name];
    if (typeof method === 'function') target[name] = method.bind(inner);
  }
  const touch = source.touch;
  if (typeof touch === 'function') {
    target.touch = (sid: string, session: SessionData, callback?: Callback) =>
      touch.call(inner, ids.storedIdOf(sid), session, callback);
  }
}

/** The store as its user passed it: a HashedIdStore's own, else the store itself. */
export function storeOfUser(store: Store): Store {
  return store instanceof HashedIdStore ? store.inner : store;
}
