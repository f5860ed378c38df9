import type { Store } from 'express-session';

/** An express-session store, recognised by its methods (it may come from another copy of express-session). */
export function isExpressStore(value: unknown): value is Store {
  const store = value as Partial<Store> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.destroy === 'function'
  );
}
