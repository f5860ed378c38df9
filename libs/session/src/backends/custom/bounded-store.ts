import type { Store } from 'express-session';
import { SessionStoreError } from '../../errors';

/** The store methods express-session and the library call, each with a callback last. */
const BOUNDED_METHODS = new Set(['get', 'set', 'destroy', 'touch']);

type Method = (...args: unknown[]) => unknown;

/**
 * A user's express-session store with each call bounded in time: a callback not called within
 * `timeoutMs` is called with a SessionStoreError (503) instead, and the store's late answer is
 * ignored. A proxy, so the store itself is left as it is and `instanceof` still holds.
 */
export function boundStore(store: Store, timeoutMs: number): Store {
  const wrapped = new Map<string | symbol, Method>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || !BOUNDED_METHODS.has(String(property))) return value;
      let bounded = wrapped.get(property);
      if (!bounded || (bounded as { original?: unknown }).original !== value) {
        bounded = boundMethod(value as Method, String(property), timeoutMs);
        wrapped.set(property, bounded);
      }
      return bounded;
    },
  });
}

function boundMethod(method: Method, name: string, timeoutMs: number): Method {
  const bounded = function (this: unknown, ...args: unknown[]) {
    const callback = args[args.length - 1];
    if (typeof callback !== 'function') return method.apply(this, args);
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      callback(new SessionStoreError(`Session store ${name} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    args[args.length - 1] = (...reply: unknown[]) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      (callback as Method)(...reply);
    };
    return method.apply(this, args);
  };
  return Object.assign(bounded, { original: method });
}
