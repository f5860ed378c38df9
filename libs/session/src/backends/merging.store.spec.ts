import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import { MemorySessionStore } from './memory/memory-session.store';
import type { SwapResult } from './merging.store';
import { SessionStoreError } from '../errors';
import { SessionIdsAtRest } from '../security/session-ids-at-rest';

/** A loaded session as a request sees it: express-session's Session plus any data keys. */
type Live = Session & SessionData & Record<string, unknown>;

const COOKIE = { originalMaxAge: 3_600_000, httpOnly: true, path: '/' };
const SID = 'sid-1';

const stores: MemorySessionStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function newStore(): MemorySessionStore {
  const store = new MemorySessionStore({ maxSessions: 100, ttlSeconds: 600 });
  stores.push(store);
  return store;
}

function getRaw(store: MemorySessionStore, sid = SID) {
  return new Promise<Record<string, unknown> | null | undefined>((resolve, reject) =>
    store.get(sid, (err, data) =>
      err ? reject(err) : resolve(data as Record<string, unknown> | null | undefined),
    ),
  );
}

/** What a request does: get, then createSession on a request. */
async function load(store: MemorySessionStore, sid = SID): Promise<Live> {
  const data = await new Promise<SessionData>((resolve, reject) =>
    store.get(sid, (err, found) =>
      err ? reject(err) : found ? resolve(found) : reject(new Error(`no session ${sid}`)),
    ),
  );
  const req = { sessionID: sid, sessionStore: store } as unknown as Request;
  return store.createSession(req, data) as Live;
}

const save = (session: Live) =>
  new Promise<void>((resolve, reject) => session.save((err) => (err ? reject(err) : resolve())));

const set = (store: MemorySessionStore, fields: Record<string, unknown>, sid = SID) =>
  new Promise<void>((resolve, reject) =>
    store.set(sid, { cookie: { ...COOKIE }, ...fields } as unknown as SessionData, (err) =>
      err ? reject(err) : resolve(),
    ),
  );

const destroy = (store: MemorySessionStore, sid = SID) =>
  new Promise<void>((resolve, reject) =>
    store.destroy(sid, (err) => (err ? reject(err) : resolve())),
  );

describe('MergingStore (through the memory store)', () => {
  it('lets requests that all recorded activity at once settle on the first time stored, in linear work', async () => {
    let swaps = 0;
    class CountingStore extends MemorySessionStore {
      protected override compareAndSwap(
        ...args: Parameters<MemorySessionStore['compareAndSwap']>
      ): Promise<SwapResult> {
        swaps += 1;
        return super.compareAndSwap(...args);
      }
    }
    const store = new CountingStore({ maxSessions: 100, ttlSeconds: 600 });
    stores.push(store);
    await set(store, { user: { id: 'u1', roles: ['user'] }, auth: { lastActivityAt: 1000 } });
    const copies = await Promise.all(Array.from({ length: 20 }, () => load(store)));
    copies.forEach((copy, i) => {
      copy.auth = { ...(copy.auth as object), lastActivityAt: 2000 + i } as never;
    });
    await Promise.all(copies.map((copy) => save(copy)));
    expect(swaps).toBeLessThanOrEqual(2 * copies.length);
    const stored = (await getRaw(store)) as { auth: { lastActivityAt: number } };
    expect(stored.auth.lastActivityAt).toBeGreaterThanOrEqual(2000);
  });

  it("still writes a request's other changes when another recorded the activity first", async () => {
    const store = newStore();
    await set(store, { user: { id: 'u1', roles: ['user'] }, auth: { lastActivityAt: 1000 } });
    const a = await load(store);
    const b = await load(store);
    a.auth = { ...(a.auth as object), lastActivityAt: 2000 } as never;
    b.auth = { ...(b.auth as object), lastActivityAt: 2001 } as never;
    b.theme = 'dark';
    await save(a);
    await save(b);
    expect(await getRaw(store)).toMatchObject({ theme: 'dark', auth: { lastActivityAt: 2000 } });
  });

  it('keeps both changes when two copies change different keys', async () => {
    const store = newStore();
    await set(store, { user: { id: 'u1', roles: ['user'] } });
    const a = await load(store);
    const b = await load(store);
    a.theme = 'dark';
    b.language = 'fr';
    await save(a);
    await save(b);
    expect(await getRaw(store)).toMatchObject({
      user: { id: 'u1', roles: ['user'] },
      theme: 'dark',
      language: 'fr',
    });
  });

  it('keeps both changes to different keys of one nested object (two basket items)', async () => {
    const store = newStore();
    await set(store, { basket: { items: { p0: 1 } } });
    const a = await load(store);
    const b = await load(store);
    (a.basket as { items: Record<string, number> }).items.p1 = 2;
    (b.basket as { items: Record<string, number> }).items.p2 = 3;
    await save(a);
    await save(b);
    expect((await getRaw(store))?.basket).toEqual({ items: { p0: 1, p1: 2, p2: 3 } });
  });

  it('lets the last writer win when both copies change the same key', async () => {
    const store = newStore();
    await set(store, { theme: 'light' });
    const a = await load(store);
    const b = await load(store);
    a.theme = 'dark';
    b.theme = 'solarized';
    await save(a);
    await save(b);
    expect((await getRaw(store))?.theme).toBe('solarized');
  });

  it('keeps a deletion by one copy and a change by the other', async () => {
    const store = newStore();
    await set(store, { flash: 'saved', theme: 'light' });
    const a = await load(store);
    const b = await load(store);
    delete a.flash;
    b.theme = 'dark';
    await save(a);
    await save(b);
    const stored = await getRaw(store);
    expect(stored).not.toHaveProperty('flash');
    expect(stored?.theme).toBe('dark');
  });

  it('does not revert another copy’s change when saving an unchanged copy', async () => {
    const store = newStore();
    await set(store, { theme: 'light' });
    const a = await load(store);
    const b = await load(store);
    b.theme = 'dark';
    await save(b);
    await save(a);
    expect((await getRaw(store))?.theme).toBe('dark');
  });

  it('diffs a second save against what the copy last saved', async () => {
    const store = newStore();
    await set(store, {});
    const a = await load(store);
    const b = await load(store);
    a.x = 1;
    await save(a);
    b.x = 2;
    await save(b);
    a.y = 3;
    await save(a);
    expect(await getRaw(store)).toMatchObject({ x: 2, y: 3 });
  });

  it('replaces an array whole (last writer wins)', async () => {
    const store = newStore();
    await set(store, { history: ['/a'] });
    const a = await load(store);
    const b = await load(store);
    (a.history as string[]).unshift('/b');
    (b.history as string[]).unshift('/c');
    await save(a);
    await save(b);
    expect((await getRaw(store))?.history).toEqual(['/c', '/a']);
  });

  it('stores the cookie of the latest save', async () => {
    const store = newStore();
    await set(store, { n: 0 });
    const a = await load(store);
    a.cookie.maxAge = 1_000;
    a.n = 1;
    await save(a);
    expect((await getRaw(store))?.cookie).toMatchObject({ originalMaxAge: 1_000 });
  });

  describe('a dead session stays dead', () => {
    it('is not written back by a changed copy loaded before the destroy', async () => {
      const store = newStore();
      await set(store, { user: { id: 'u1', roles: ['user'] } });
      const inFlight = await load(store);
      await destroy(store);
      inFlight.lastPage = '/late';
      await save(inFlight);
      expect(await getRaw(store)).toBeNull();
    });

    it('is not written back by an unchanged copy either', async () => {
      const store = newStore();
      await set(store, { user: { id: 'u1', roles: ['user'] } });
      const inFlight = await load(store);
      await destroy(store);
      await save(inFlight);
      expect(await getRaw(store)).toBeNull();
    });
  });

  describe('a `__proto__` key in session data (JSON from a client, say)', () => {
    const POLLUTION = 'pollutedThroughMergingStore';
    afterEach(() => {
      delete (Object.prototype as Record<string, unknown>)[POLLUTION];
    });

    it('round-trips as an own property', async () => {
      const store = newStore();
      await set(store, { prefs: JSON.parse('{"__proto__":{"a":1}}') });
      const a = await load(store);
      (
        (a.prefs as Record<string, Record<string, number>>)['__proto__'] as Record<string, number>
      ).b = 2;
      await save(a);
      const prefs = (await getRaw(store))?.prefs as object;
      expect(Object.getPrototypeOf(prefs)).toBe(Object.prototype);
      expect(JSON.stringify(prefs)).toBe('{"__proto__":{"a":1,"b":2}}');
    });

    // A merge for a nested `__proto__` key replayed onto data that no longer has the key (another
    // request removed it meanwhile) must not reach Object.prototype.
    it('never reaches Object.prototype when the merge is replayed on newer data', async () => {
      const store = newStore();
      await set(store, { prefs: JSON.parse('{"__proto__":{"a":1}}') });
      const a = await load(store);
      const b = await load(store);
      delete b.prefs;
      await save(b);
      (
        (a.prefs as Record<string, Record<string, unknown>>)['__proto__'] as Record<string, unknown>
      )[POLLUTION] = true;
      await save(a);
      expect(({} as Record<string, unknown>)[POLLUTION]).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, POLLUTION)).toBe(false);
    });
  });

  describe('peek and update (outside any request)', () => {
    it('peek reads without sliding the expiry', async () => {
      let now = 0;
      const store = new MemorySessionStore({ maxSessions: 10, ttlSeconds: 10, now: () => now });
      stores.push(store);
      await set(store, { n: 1 });
      now = 9_000;
      expect(await store.peek(SID)).toMatchObject({ n: 1 });
      now = 10_000;
      expect(await store.peek(SID)).toBeNull();
      expect(await store.peek('missing')).toBeNull();
    });

    it('update merges with a request in flight on the same session', async () => {
      const store = newStore();
      await set(store, { user: { id: 'u1', roles: ['user'] }, theme: 'light' });
      const inFlight = await load(store);
      const updated = await store.update(SID, (data) => {
        if (data.user) data.user.roles = ['admin'];
      });
      expect(updated).toBe(true);
      inFlight.theme = 'dark';
      await save(inFlight);
      expect(await getRaw(store)).toMatchObject({
        user: { id: 'u1', roles: ['admin'] },
        theme: 'dark',
        cookie: COOKIE,
      });
    });

    it('update of a missing or destroyed session resolves false and creates nothing', async () => {
      const store = newStore();
      expect(await store.update(SID, (data) => Object.assign(data, { n: 1 }))).toBe(false);
      await set(store, { n: 0 });
      await destroy(store);
      expect(await store.update(SID, (data) => Object.assign(data, { n: 1 }))).toBe(false);
      expect(await getRaw(store)).toBeNull();
    });

    it('update without a change writes nothing and resolves true', async () => {
      const store = newStore();
      await set(store, { n: 0 });
      const inFlight = await load(store);
      expect(await store.update(SID, () => undefined)).toBe(true);
      expect(store.hasUnsavedChanges(inFlight)).toBe(false);
    });
  });

  describe('hasUnsavedChanges', () => {
    it('follows the changes of a loaded copy', async () => {
      const store = newStore();
      await set(store, { n: 1 });
      const a = await load(store);
      expect(store.hasUnsavedChanges(a)).toBe(false);
      a.cookie.maxAge = 5; // the cookie is not session data
      expect(store.hasUnsavedChanges(a)).toBe(false);
      a.n = 2;
      expect(store.hasUnsavedChanges(a)).toBe(true);
      await save(a);
      expect(store.hasUnsavedChanges(a)).toBe(false);
    });

    it('is true for a session the store has never seen', () => {
      expect(newStore().hasUnsavedChanges({ cookie: COOKIE })).toBe(true);
    });
  });

  it('hashes the id at rest once for a read-only request (the read), not again in touch', async () => {
    const store = newStore();
    const ids = new SessionIdsAtRest(['a-secret-for-the-ids-at-rest-key']);
    store.useIdsAtRest(ids);
    await set(store, { user: { id: 'u1', roles: ['user'] } });
    const hashes = jest.spyOn(ids, 'storedIdOf');
    const live = await load(store);
    live.touch();
    await new Promise<void>((resolve, reject) =>
      store.touch(SID, live, (err) => (err ? reject(err) : resolve())),
    );
    expect(hashes).toHaveBeenCalledTimes(1);
    live.cookie.maxAge = 60_000;
    await new Promise<void>((resolve, reject) =>
      store.touch(SID, live, (err) => (err ? reject(err) : resolve())),
    );
    expect(hashes).toHaveBeenCalledTimes(2);
    const stored = (await getRaw(store)) as { cookie: { originalMaxAge: number } };
    expect(stored.cookie.originalMaxAge).toBe(60_000);
  });

  it('reads corrupt stored JSON as no session', async () => {
    class PlantingStore extends MemorySessionStore {
      plant(raw: string) {
        return this.writeRaw(SID, raw);
      }
    }
    const store = new PlantingStore({ maxSessions: 10, ttlSeconds: 60 });
    stores.push(store);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await store.plant('{not json');
      expect(await getRaw(store)).toBeNull();
      await expect(load(store)).rejects.toThrow('no session');
    } finally {
      warn.mockRestore();
    }
  });

  it('gives up with a SessionStoreError when the write keeps conflicting', async () => {
    let attempts = 0;
    class ContendedStore extends MemorySessionStore {
      protected override async compareAndSwap(): Promise<SwapResult> {
        attempts++;
        return JSON.stringify({ cookie: COOKIE, other: attempts });
      }
    }
    const store = new ContendedStore({ maxSessions: 10, ttlSeconds: 60 });
    stores.push(store);
    await set(store, { n: 0 });
    const a = await load(store);
    a.n = 1;
    await expect(save(a)).rejects.toBeInstanceOf(SessionStoreError);
    expect(attempts).toBeGreaterThan(1);
  });

  it('reports a failing write and destroy as SessionStoreError', async () => {
    class BrokenStore extends MemorySessionStore {
      protected override writeRaw(): Promise<void> {
        return Promise.reject(new Error('full'));
      }
      protected override deleteRaw(): Promise<void> {
        return Promise.reject(new Error('gone'));
      }
    }
    const store = new BrokenStore({ maxSessions: 10, ttlSeconds: 60 });
    stores.push(store);
    await expect(set(store, { n: 1 })).rejects.toThrow(SessionStoreError);
    await expect(set(store, { n: 1 })).rejects.toThrow(/write failed: full/);
    await expect(destroy(store)).rejects.toThrow(/delete failed: gone/);
  });
});
