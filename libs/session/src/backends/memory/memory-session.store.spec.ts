import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { MemorySessionStore, type MemorySessionStoreOptions } from './memory-session.store';
import { SessionStoreError } from '../../errors';

const COOKIE = { originalMaxAge: 3_600_000, httpOnly: true, path: '/' };

const data = (fields: Record<string, unknown> = {}) =>
  ({ cookie: { ...COOKIE }, ...fields }) as unknown as SessionData;

/** The memory store with its protected primitives reachable, to plant raw stored text. */
class TestStore extends MemorySessionStore {
  plant(sid: string, raw: string): Promise<void> {
    return this.writeRaw(sid, raw);
  }
}

/** A controllable clock. */
class Clock {
  t = 1_000_000;
  readonly now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

const stores: MemorySessionStore[] = [];

function storeWith(options: Partial<MemorySessionStoreOptions> = {}): TestStore {
  const store = new TestStore({ maxSessions: 100, ttlSeconds: 60, ...options });
  stores.push(store);
  return store;
}

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const get = (store: MemorySessionStore, sid: string) =>
  new Promise<SessionData | null | undefined>((resolve, reject) =>
    store.get(sid, (err, session) => (err ? reject(err) : resolve(session))),
  );
const set = (store: MemorySessionStore, sid: string, session: SessionData) =>
  new Promise<void>((resolve, reject) =>
    store.set(sid, session, (err) => (err ? reject(err) : resolve())),
  );
const destroy = (store: MemorySessionStore, sid: string) =>
  new Promise<void>((resolve, reject) =>
    store.destroy(sid, (err) => (err ? reject(err) : resolve())),
  );
const lengthOf = (store: MemorySessionStore) =>
  new Promise<number | undefined>((resolve, reject) =>
    store.length((err, n) => (err ? reject(err) : resolve(n))),
  );
const allOf = (store: MemorySessionStore) =>
  new Promise<unknown>((resolve, reject) =>
    store.all((err, sessions) => (err ? reject(err) : resolve(sessions))),
  );

describe('MemorySessionStore', () => {
  it('stores and reads a session through the callback API', async () => {
    const store = storeWith();
    await set(store, 'a', data({ user: { id: 'u1', roles: ['user'] } }));
    expect(await get(store, 'a')).toEqual({ cookie: COOKIE, user: { id: 'u1', roles: ['user'] } });
    expect(await get(store, 'missing')).toBeNull();
  });

  it('hands out a fresh copy on every read', async () => {
    const store = storeWith();
    await set(store, 'a', data({ cart: { p1: 1 } }));
    const first = (await get(store, 'a')) as unknown as { cart: Record<string, number> };
    first.cart.p1 = 99;
    expect(await get(store, 'a')).toMatchObject({ cart: { p1: 1 } });
  });

  it('destroys a session', async () => {
    const store = storeWith();
    await set(store, 'a', data());
    await set(store, 'b', data());
    await destroy(store, 'a');
    expect(await get(store, 'a')).toBeNull();
    expect(await get(store, 'b')).not.toBeNull();
    expect(await lengthOf(store)).toBe(1);
    await expect(destroy(store, 'never-existed')).resolves.toBeUndefined();
  });

  it('has touch (express-session then slides the cookie), which changes nothing after a read', async () => {
    const clock = new Clock();
    const store = storeWith({ ttlSeconds: 10, now: clock.now });
    await set(store, 'a', data());
    const read = (await get(store, 'a')) as SessionData;
    clock.advance(9_000);
    await store.touch('a', read);
    clock.advance(1_000);
    expect(await get(store, 'a')).toBeNull(); // the read slid the expiry, the touch did not again
  });

  describe('bound', () => {
    it('evicts the oldest session past maxSessions', async () => {
      const store = storeWith({ maxSessions: 3 });
      for (const sid of ['a', 'b', 'c', 'd']) await set(store, sid, data());
      expect(store.size).toBe(3);
      expect(await get(store, 'a')).toBeNull();
      for (const sid of ['b', 'c', 'd']) expect(await get(store, sid)).not.toBeNull();
    });

    it('evicts the least recently used, not the least recently created', async () => {
      const store = storeWith({ maxSessions: 3 });
      for (const sid of ['a', 'b', 'c']) await set(store, sid, data());
      await get(store, 'a');
      await set(store, 'd', data());
      expect(await get(store, 'b')).toBeNull();
      expect(await get(store, 'a')).not.toBeNull();
      expect(store.size).toBe(3);
    });

    it('evicts anonymous sessions before signed-in ones, however recently used', async () => {
      const store = storeWith({ maxSessions: 3 });
      const signedIn = data({ user: { id: 'u1', roles: ['user'] } });
      await set(store, 'alice', signedIn);
      for (let i = 0; i < 50; i++) await set(store, `anonymous-${i}`, data());
      expect(store.size).toBe(3);
      expect(await get(store, 'alice')).toMatchObject({ user: { id: 'u1' } });
      expect(await get(store, 'anonymous-49')).not.toBeNull();
      expect(await get(store, 'anonymous-0')).toBeNull();
    });

    it('evicts the least recently used signed-in session when no anonymous one is left', async () => {
      const store = storeWith({ maxSessions: 2 });
      const user = (id: string) => data({ user: { id, roles: ['user'] } });
      await set(store, 'a', user('u1'));
      await set(store, 'b', user('u2'));
      await get(store, 'a');
      await set(store, 'c', user('u3'));
      expect(await get(store, 'b')).toBeNull();
      expect(await get(store, 'a')).not.toBeNull();
      expect(await get(store, 'c')).not.toBeNull();
    });

    it('moves a session that signs in or out to the matching kind', async () => {
      const store = storeWith({ maxSessions: 2 });
      const user = (id: string) => data({ user: { id, roles: ['user'] } });
      await set(store, 'a', data());
      await set(store, 'a', user('u1'));
      await set(store, 'b', data());
      await set(store, 'c', data());
      expect(await get(store, 'a')).not.toBeNull();
      expect(await get(store, 'b')).toBeNull();

      await set(store, 'd', user('u2'));
      await set(store, 'a', data());
      await set(store, 'e', user('u3'));
      expect(await get(store, 'a')).toBeNull();
      expect(await get(store, 'd')).not.toBeNull();
    });

    it('counts a write as a use', async () => {
      const store = storeWith({ maxSessions: 2 });
      await set(store, 'a', data());
      await set(store, 'b', data());
      await set(store, 'a', data({ n: 1 }));
      await set(store, 'c', data());
      expect(await get(store, 'b')).toBeNull();
      expect(await get(store, 'a')).toMatchObject({ n: 1 });
    });
  });

  describe('expiry', () => {
    it('drops a session ttl after its last use', async () => {
      const clock = new Clock();
      const store = storeWith({ ttlSeconds: 10, now: clock.now });
      await set(store, 'a', data());
      clock.advance(9_999);
      expect(await get(store, 'a')).not.toBeNull();
      clock.advance(9_999);
      expect(await get(store, 'a')).not.toBeNull(); // the read above slid the expiry
      clock.advance(10_000);
      expect(await get(store, 'a')).toBeNull();
      expect(store.size).toBe(0); // and the memory is freed
    });

    it('treats the exact expiry instant as expired', async () => {
      const clock = new Clock();
      const store = storeWith({ ttlSeconds: 10, now: clock.now });
      await set(store, 'a', data());
      clock.advance(10_000);
      expect(await get(store, 'a')).toBeNull();
    });

    it('sweep() frees every expired session and keeps the live ones', async () => {
      const clock = new Clock();
      const store = storeWith({ ttlSeconds: 10, now: clock.now });
      await set(store, 'a', data());
      await set(store, 'b', data());
      clock.advance(5_000);
      await set(store, 'c', data());
      await get(store, 'a'); // a is now the most recently used
      clock.advance(5_000);
      store.sweep();
      expect(store.size).toBe(2);
      expect(await allOf(store)).toEqual({ c: expect.any(Object), a: expect.any(Object) });
      clock.advance(5_000);
      store.sweep();
      expect(store.size).toBe(0);
    });

    it('sweeps by itself on its interval', async () => {
      const clock = new Clock();
      const store = storeWith({ ttlSeconds: 1, now: clock.now, sweepInterval: 5 });
      await set(store, 'a', data());
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(store.size).toBe(0);
    });

    it('length and all leave out expired sessions', async () => {
      const clock = new Clock();
      const store = storeWith({ ttlSeconds: 10, now: clock.now });
      await set(store, 'old', data({ n: 1 }));
      clock.advance(6_000);
      await set(store, 'new', data({ n: 2 }));
      clock.advance(6_000);
      expect(await lengthOf(store)).toBe(1);
      expect(await allOf(store)).toEqual({ new: { cookie: COOKIE, n: 2 } });
    });
  });

  it('clear() empties the store', async () => {
    const store = storeWith();
    await set(store, 'a', data());
    await new Promise<void>((resolve) => store.clear(() => resolve()));
    expect(store.size).toBe(0);
    expect(await get(store, 'a')).toBeNull();
  });

  describe('unreadable stored data', () => {
    it.each([
      ['corrupt JSON', '{"cookie":{'],
      ['a JSON array', '[1,2]'],
      ['JSON null', 'null'],
      ['an object without a cookie', '{"user":{"id":"u1","roles":[]}}'],
      ['a cookie that is not an object', '{"cookie":"x"}'],
    ])('reads %s as no session, without an error', async (_name, raw) => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const store = storeWith();
        const sid = 'abcdefghijklmnopqrstuvwxyz';
        await store.plant(sid, raw);
        await expect(get(store, sid)).resolves.toBeNull();
        expect(await allOf(store)).toEqual({});
        expect(warn).toHaveBeenCalledTimes(2);
        // The log names the session without giving its full id away.
        expect(String(warn.mock.calls[0][0])).not.toContain(sid);
        // all() skips the entry and says so.
        expect(warn.mock.calls[1][0]).toBe('all(): skipped 1 stored entries that are not sessions');
      } finally {
        warn.mockRestore();
      }
    });
  });

  it('reports each unreadable stored session once, however often it is read', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const store = storeWith();
      await store.plant('bad-one-aaaaaaaaaaaaaaaaaaaa', '{"cookie":{"expires":"not a date"}}');
      await store.plant('bad-two-aaaaaaaaaaaaaaaaaaaa', '[1]');
      for (let i = 0; i < 5; i++) {
        await expect(get(store, 'bad-one-aaaaaaaaaaaaaaaaaaaa')).resolves.toBeNull();
        await expect(get(store, 'bad-two-aaaaaaaaaaaaaaaaaaaa')).resolves.toBeNull();
      }
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }
  });

  it('reports a failing read as a SessionStoreError', async () => {
    class FailingStore extends MemorySessionStore {
      protected override readRaw(): Promise<string | null> {
        return Promise.reject(new Error('disk on fire'));
      }
    }
    const store = new FailingStore({ maxSessions: 1, ttlSeconds: 1 });
    stores.push(store);
    const err = await get(store, 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionStoreError);
    expect((err as Error).message).toContain('disk on fire');
  });
});
