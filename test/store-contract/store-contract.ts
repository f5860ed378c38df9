import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import express from 'express';
import session, { Cookie, type SessionData, type Store } from 'express-session';
import request from 'supertest';
import type { MergingStore } from 'nest-session-kit';

/** A store under the contract, with what the cases need to look inside it. */
export interface ContractStore {
  store: MergingStore;
  /** The store's own ttl, in seconds. */
  ttlSeconds: number;
  /** How long the stored session has left, in ms; null when it is not stored. */
  ttlOf(sid: string): Promise<number | null>;
  /** The bytes stored for a session, or null. */
  rawOf(sid: string): Promise<Buffer | null>;
  /** Stores bytes as a session (foreign or corrupt data), expiring in `ttlMs`. */
  plant(sid: string, bytes: Buffer | string, ttlMs?: number): Promise<void>;
  /** Stores an entry under the store's keys that is not a string at all, where that can exist. */
  plantForeignType?(sid: string): Promise<void>;
}

export interface StoreTarget {
  name: string;
  /**
   * False for a store whose values are text of a known encoding (PostgreSQL's jsonb): bytes that
   * are not valid UTF-8 cannot be stored there at all, so the case about them does not apply.
   */
  keepsAnyBytes?: boolean;
  /** A fresh, empty store (its own prefix), ttl as given. */
  create(ttlSeconds: number): Promise<ContractStore>;
  /** Releases what `create` made. */
  release(target: ContractStore): Promise<void>;
}

const MINUTE = 60_000;

const cookieJson = (fields: Partial<Record<string, unknown>> = {}) => ({
  originalMaxAge: null as number | null,
  httpOnly: true,
  path: '/',
  ...fields,
});

/** express-session's Cookie takes its options (its typings declare no constructor arguments). */
const CookieWithOptions = Cookie as unknown as new (options: session.CookieOptions) => Cookie;

/** A session as express-session writes it: the cookie serialised, with an expiry when it has a max age. */
export function sessionWith(
  maxAgeMs: number | null,
  fields: Record<string, unknown> = {},
): SessionData {
  const cookie = new CookieWithOptions(maxAgeMs === null ? {} : { maxAge: maxAgeMs });
  return { cookie: JSON.parse(JSON.stringify(cookie)), ...fields } as unknown as SessionData;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An express app with express-session on the store, as express-session's own tests build it. */
function expressApp(
  store: Store,
  options: Partial<session.SessionOptions>,
  handler: (req: express.Request, res: express.Response) => void,
): Server {
  const app = express();
  app.use(
    session({
      secret: 'contract secret',
      store,
      resave: false,
      saveUninitialized: false,
      ...options,
    }),
  );
  app.get('/', handler);
  app.use((err: Error, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).send(err.message);
  });
  return app.listen(0);
}

function cookieOf(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  if (!header?.[0]) throw new Error('no Set-Cookie');
  return header[0].split(';')[0];
}

function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.split('=')[1]);
  return value.slice(2, value.lastIndexOf('.'));
}

/**
 * The store contract: the same cases for every store the library ships. They follow what
 * express-session's own suite asks of a store (test/session.js at 1.19.0: expiry, touch,
 * rolling, resave, regenerate, destroy, all) and what connect-redis users rely on (TTLs from
 * the cookie, `all`, `length`, `ids`, `clear`, `touch`, promises without callbacks).
 */
export function describeStoreContract(target: StoreTarget): void {
  describe(`the store contract on the ${target.name}`, () => {
    let t: ContractStore;
    let store: MergingStore;
    const servers: Server[] = [];

    beforeEach(async () => {
      t = await target.create(3600);
      store = t.store;
    });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
      await target.release(t);
    });

    const serve = (...args: Parameters<typeof expressApp>) => {
      const server = expressApp(...args);
      servers.push(server);
      return server;
    };
    const newSid = () => `c-${randomUUID()}`;

    describe('reads, writes and deletes', () => {
      it('reads back what was written, and null for an unknown id', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE, { user: { id: 'u1', roles: ['user'] } }));
        expect(await store.get(sid)).toMatchObject({ user: { id: 'u1', roles: ['user'] } });
        expect(await store.get(newSid())).toBeNull();
      });

      it('destroys a session; destroying an unknown one is no error', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE));
        await store.destroy(sid);
        expect(await store.get(sid)).toBeNull();
        expect(await t.rawOf(sid)).toBeNull();
        await expect(store.destroy(newSid())).resolves.toBeUndefined();
      });

      it('returns promises without a callback (connect-redis 9 style) and nothing with one', async () => {
        const sid = newSid();
        const data = sessionWith(MINUTE, { n: 1 });
        const calls = [
          store.set(sid, data),
          store.get(sid),
          store.touch(sid, data),
          store.all(),
          store.length(),
          store.ids(),
        ];
        for (const call of calls) expect(call).toBeInstanceOf(Promise);
        await Promise.all(calls);
        await expect(store.destroy(sid)).resolves.toBeUndefined();
        await expect(store.clear()).resolves.toBeUndefined();
        let done!: () => void;
        const called = new Promise<void>((resolve) => (done = resolve));
        expect(store.get(sid, () => done())).toBeUndefined();
        await called;
      });

      it('calls every callback exactly once, on a later tick than the call', async () => {
        const sid = newSid();
        const data = sessionWith(MINUTE);
        const counts = new Map<string, number>();
        let synchronous = true;
        const expectAsync: string[] = [];
        const cb =
          (name: string) =>
          (...args: unknown[]) => {
            if (synchronous) expectAsync.push(name);
            counts.set(name, (counts.get(name) ?? 0) + 1);
            if (args[0]) throw args[0];
          };
        store.set(sid, data, cb('set'));
        store.get(sid, cb('get'));
        store.touch(sid, data, cb('touch'));
        store.all(cb('all'));
        store.length(cb('length'));
        store.ids(cb('ids'));
        store.destroy(newSid(), cb('destroy'));
        synchronous = false;
        for (let waited = 0; counts.size < 7 && waited < 10_000; waited += 20) await sleep(20);
        await sleep(100); // a second call of any of them would have come by now
        expect(expectAsync).toEqual([]);
        expect(Object.fromEntries(counts)).toEqual({
          set: 1,
          get: 1,
          touch: 1,
          all: 1,
          length: 1,
          ids: 1,
          destroy: 1,
        });
      });
    });

    describe('a session never outlives its cookie', () => {
      it('is kept until its cookie expires when that is sooner than the store ttl', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE));
        const ttl = (await t.ttlOf(sid)) as number;
        expect(ttl).toBeLessThanOrEqual(MINUTE);
        expect(ttl).toBeGreaterThan(MINUTE - 5_000);
      });

      it('is kept for the store ttl when its cookie lasts longer or is a browser-session cookie', async () => {
        const long = newSid();
        const browser = newSid();
        await store.set(long, sessionWith(30 * 24 * 3_600_000));
        await store.set(browser, sessionWith(null));
        for (const sid of [long, browser]) {
          const ttl = (await t.ttlOf(sid)) as number;
          expect(ttl).toBeLessThanOrEqual(t.ttlSeconds * 1000);
          expect(ttl).toBeGreaterThan(t.ttlSeconds * 1000 - 5_000);
        }
      });

      it('is not stored when its cookie has already expired', async () => {
        const sid = newSid();
        const data = sessionWith(MINUTE);
        (data.cookie as unknown as { expires: string }).expires = new Date(
          Date.now() - 1_000,
        ).toISOString();
        await store.set(sid, data);
        expect(await t.rawOf(sid)).toBeNull();
      });

      it('reads as none once its cookie expired in the store, and is gone from it', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(50));
        await sleep(120);
        expect(await store.get(sid)).toBeNull();
        expect(await t.rawOf(sid)).toBeNull();
        expect(await store.ids()).not.toContain(sid);
      });

      it('never gets a longer TTL from a read than its cookie allows', async () => {
        const sid = newSid();
        const data = sessionWith(10 * MINUTE, { from: 'another store' });
        await t.plant(sid, JSON.stringify(data), 10 * MINUTE);
        expect(await store.get(sid)).toMatchObject({ from: 'another store' });
        expect(await t.ttlOf(sid)).toBeLessThanOrEqual(10 * MINUTE);
        const fixed = newSid();
        const fixedCookie = cookieJson({ expires: new Date(Date.now() + 30_000).toISOString() });
        await t.plant(fixed, JSON.stringify({ cookie: fixedCookie }), 60 * MINUTE);
        expect(await store.get(fixed)).not.toBeNull();
        expect(await t.ttlOf(fixed)).toBeLessThanOrEqual(30_000);
      });

      it('reads a stored session whose fixed cookie expiry has passed as none, and deletes it', async () => {
        const sid = newSid();
        const cookie = cookieJson({ expires: new Date(Date.now() - 1_000).toISOString() });
        await t.plant(sid, JSON.stringify({ cookie, n: 1 }), MINUTE);
        expect(await store.get(sid)).toBeNull();
        expect(await t.rawOf(sid)).toBeNull();
      });
    });

    describe('sliding expiry (express-session rolling and touch)', () => {
      it('a read slides the expiry by the cookie max age and says so in the cookie it returns', async () => {
        const sid = newSid();
        await t.plant(sid, JSON.stringify(sessionWith(MINUTE)), 5_000);
        const before = Date.now();
        const read = (await store.get(sid)) as SessionData;
        const ttl = (await t.ttlOf(sid)) as number;
        expect(ttl).toBeGreaterThan(MINUTE - 5_000);
        expect(ttl).toBeLessThanOrEqual(MINUTE);
        const expires = new Date(read.cookie.expires as unknown as string).getTime();
        expect(expires).toBeGreaterThanOrEqual(before + MINUTE);
      });

      it('touch after a read sends nothing when the cookie did not change', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE, { n: 1 }));
        const stored = await t.rawOf(sid);
        const req = { sessionID: sid, sessionStore: store } as unknown as express.Request;
        const live = store.createSession(req, (await store.get(sid)) as SessionData);
        live.touch();
        await store.touch(sid, live);
        expect(await t.rawOf(sid)).toEqual(stored);
      });

      it('touch writes the cookie when the request changed it (a new max age)', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE, { n: 1 }));
        const req = { sessionID: sid, sessionStore: store } as unknown as express.Request;
        const live = store.createSession(req, (await store.get(sid)) as SessionData);
        live.cookie.maxAge = 5 * MINUTE;
        await store.touch(sid, live);
        const stored = JSON.parse(String(await t.rawOf(sid))) as { cookie: Cookie; n: number };
        expect(stored.n).toBe(1);
        expect(stored.cookie.originalMaxAge).toBeGreaterThan(5 * MINUTE - 1_000);
        expect(await t.ttlOf(sid)).toBeGreaterThan(4 * MINUTE);
      });

      it('touch of a session this store did not load slides its expiry, and creates nothing', async () => {
        const sid = newSid();
        await t.plant(sid, JSON.stringify(sessionWith(MINUTE)), 2_000);
        await store.touch(sid, sessionWith(MINUTE));
        expect(await t.ttlOf(sid)).toBeGreaterThan(MINUTE - 5_000);
        const missing = newSid();
        await store.touch(missing, sessionWith(MINUTE));
        expect(await t.rawOf(missing)).toBeNull();
      });

      it('express-session: an unmodified request leaves the store with the updated cookie expiration', async () => {
        const server = serve(store, { cookie: { maxAge: MINUTE } }, (req, res) => {
          req.session.views = (req.session.views ?? 0) + (req.query.write ? 1 : 0);
          res.end(req.session.id);
        });
        const first = await request(server).get('/?write=1').expect(200);
        const sid = first.text;
        const before = await store.get(sid);
        await sleep(1_100);
        await request(server).get('/').set('Cookie', cookieOf(first)).expect(200, sid);
        const after = await store.get(sid);
        expect(after?.cookie.expires).not.toEqual(before?.cookie.expires);
        expect(await t.ttlOf(sid)).toBeGreaterThan(MINUTE - 5_000);
      });

      it('express-session: req.session.touch() resets the expiration', async () => {
        const server = serve(store, { cookie: { maxAge: MINUTE } }, (req, res) => {
          req.session.hit = true;
          req.session.touch();
          res.end(req.session.id);
        });
        const first = await request(server).get('/').expect(200);
        const sid = first.text;
        const exp = (await store.get(sid))?.cookie.expires;
        await sleep(100);
        await request(server).get('/').set('Cookie', cookieOf(first)).expect(200);
        expect((await store.get(sid))?.cookie.expires).not.toEqual(exp);
      });

      it('express-session rolling: every response sets the cookie and the stored expiry follows', async () => {
        const server = serve(store, { rolling: true, cookie: { maxAge: MINUTE } }, (req, res) => {
          if (req.query.write) req.session.n = 1;
          res.end(req.session.id);
        });
        const first = await request(server).get('/?write=1').expect(200);
        await t.plant(first.text, (await t.rawOf(first.text)) as Buffer, 3_000);
        const next = await request(server).get('/').set('Cookie', cookieOf(first)).expect(200);
        expect(next.headers['set-cookie']).toBeDefined();
        expect(await t.ttlOf(first.text)).toBeGreaterThan(MINUTE - 5_000);
      });
    });

    describe('express-session on the store', () => {
      it('a session expired in the store gives a new session with a new id, and is not kept', async () => {
        let count = 0;
        const server = serve(store, { cookie: { maxAge: 50 } }, (req, res) => {
          req.session.num = req.session.num ?? ++count;
          res.end(`session ${req.session.num}`);
        });
        const first = await request(server).get('/').expect(200, 'session 1');
        await sleep(120);
        expect(await store.length()).toBe(0);
        const second = await request(server)
          .get('/')
          .set('Cookie', cookieOf(first))
          .expect(200, 'session 2');
        expect(sidOf(cookieOf(second))).not.toBe(sidOf(cookieOf(first)));
      });

      it('an unmodified session is not written again (resave: false)', async () => {
        const server = serve(store, {}, (req, res) => {
          if (req.query.write) req.session.n = 1;
          res.end(req.session.id);
        });
        const first = await request(server).get('/?write=1').expect(200);
        const set = jest.spyOn(store, 'set');
        try {
          await request(server).get('/').set('Cookie', cookieOf(first)).expect(200);
          expect(set).not.toHaveBeenCalled();
        } finally {
          set.mockRestore();
        }
      });

      it('nothing is stored for a visitor whose session stays empty (saveUninitialized: false)', async () => {
        const server = serve(store, {}, (req, res) => res.end(req.session.id));
        const res = await request(server).get('/').expect(200);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(await t.rawOf(res.text)).toBeNull();
      });

      it('regenerate and destroy remove the old session from the store', async () => {
        const server = serve(store, {}, (req, res) => {
          const old = req.sessionID;
          if (req.query.op === 'regenerate') {
            req.session.regenerate(() => {
              req.session.n = 2;
              res.end(old);
            });
          } else if (req.query.op === 'destroy') {
            req.session.destroy(() => res.end(old));
          } else {
            req.session.n = 1;
            res.end(old);
          }
        });
        const first = await request(server).get('/').expect(200);
        const regenerated = await request(server)
          .get('/?op=regenerate')
          .set('Cookie', cookieOf(first))
          .expect(200, first.text);
        expect(await t.rawOf(first.text)).toBeNull();
        const newId = sidOf(cookieOf(regenerated));
        expect(await store.get(newId)).toMatchObject({ n: 2 });
        await request(server)
          .get('/?op=destroy')
          .set('Cookie', cookieOf(regenerated))
          .expect(200, newId);
        expect(await t.rawOf(newId)).toBeNull();
      });

      it('a stored session without a cookie reads as a new session, not an error', async () => {
        const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
        try {
          const server = serve(store, {}, (req, res) => {
            req.session.num = req.session.num ?? 1;
            res.end(`session ${req.session.num}`);
          });
          const first = await request(server).get('/').expect(200, 'session 1');
          await t.plant(sidOf(cookieOf(first)), JSON.stringify({ foo: 'bar' }), MINUTE);
          await request(server).get('/').set('Cookie', cookieOf(first)).expect(200, 'session 1');
        } finally {
          warn.mockRestore();
        }
      });
    });

    describe('bulk operations', () => {
      it('all() is an object without a prototype keyed by id, so no id is special', async () => {
        await store.set('__proto__', sessionWith(MINUTE, { n: 0 }));
        await store.set('constructor', sessionWith(MINUTE, { n: 1 }));
        await store.set('plain', sessionWith(MINUTE, { n: 2 }));
        const all = (await store.all()) as Record<string, SessionData & { n: number }>;
        expect(Object.getPrototypeOf(all)).toBeNull();
        expect(Object.keys(all).sort()).toEqual(['__proto__', 'constructor', 'plain']);
        expect(all['__proto__'].n).toBe(0);
        expect(all['constructor'].n).toBe(1);
        expect(await store.length()).toBe(3);
        expect((await store.ids()).sort()).toEqual(['__proto__', 'constructor', 'plain']);
      });

      it('skips and reports entries that are not sessions instead of failing whole', async () => {
        const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
        try {
          await store.set('good', sessionWith(MINUTE, { n: 1 }));
          await t.plant('corrupt', '{"cookie":{');
          await t.plant('no-cookie', '{"user":{"id":"u1"}}');
          await t.plant('array', '[1,2]');
          let planted = 3;
          if (t.plantForeignType) {
            await t.plantForeignType('a-hash');
            planted += 1;
          }
          expect(Object.keys(await store.all())).toEqual(['good']);
          expect(await store.length()).toBe(1);
          expect(await store.ids()).toEqual(['good']);
          const lines = warn.mock.calls.map((call) => String(call[0]));
          expect(lines).toEqual([
            `all(): skipped ${planted} stored entries that are not sessions`,
            `length(): skipped ${planted} stored entries that are not sessions`,
            `ids(): skipped ${planted} stored entries that are not sessions`,
          ]);
        } finally {
          warn.mockRestore();
        }
      });

      it('leaves out expired sessions', async () => {
        await store.set('short', sessionWith(50));
        await store.set('long', sessionWith(MINUTE));
        await sleep(120);
        expect(await store.ids()).toEqual(['long']);
        expect(await store.length()).toBe(1);
      });

      it('clear() removes every session, unreadable ones included', async () => {
        await store.set('a', sessionWith(MINUTE));
        await store.set('b', sessionWith(MINUTE));
        await t.plant('corrupt', '{');
        await store.clear();
        expect(await store.length()).toBe(0);
        expect(await t.rawOf('a')).toBeNull();
        expect(await t.rawOf('corrupt')).toBeNull();
      });
    });

    describe('merging writes', () => {
      const load = async (sid: string) => {
        const req = { sessionID: sid, sessionStore: store } as unknown as express.Request;
        return store.createSession(req, (await store.get(sid)) as SessionData) as session.Session &
          Record<string, unknown>;
      };
      const save = (live: session.Session) =>
        new Promise<void>((resolve, reject) => live.save((err) => (err ? reject(err) : resolve())));

      it('keeps both changes of two requests to different keys', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE, { cart: { p1: 1 } }));
        const a = await load(sid);
        const b = await load(sid);
        (a.cart as Record<string, number>).p2 = 1;
        (b.cart as Record<string, number>).p3 = 1;
        await save(a);
        await save(b);
        expect(await store.get(sid)).toMatchObject({ cart: { p1: 1, p2: 1, p3: 1 } });
      });

      it('never re-creates a session destroyed while a request was in flight', async () => {
        const sid = newSid();
        await store.set(sid, sessionWith(MINUTE, { n: 1 }));
        const inFlight = await load(sid);
        await store.destroy(sid);
        inFlight.n = 2;
        await save(inFlight);
        expect(await t.rawOf(sid)).toBeNull();
      });

      (target.keepsAnyBytes === false ? it.skip : it)(
        'updates a stored value that is not valid UTF-8, comparing its bytes exactly',
        async () => {
          const sid = newSid();
          const json = JSON.stringify(sessionWith(MINUTE, { name: 'XX', n: 1 }));
          const bytes = Buffer.from(json, 'utf8');
          const at = bytes.indexOf('XX');
          bytes[at] = 0xff;
          bytes[at + 1] = 0xfe;
          await t.plant(sid, bytes, MINUTE);
          const live = await load(sid);
          live.n = 2;
          await save(live);
          expect(await store.get(sid)).toMatchObject({ n: 2 });
          expect(await store.update(sid, (data) => Object.assign(data, { n: 3 }))).toBe(true);
          expect(await store.peek(sid)).toMatchObject({ n: 3 });
        },
      );

      it('update() and peek() leave the expiry as it is', async () => {
        const sid = newSid();
        await t.plant(sid, JSON.stringify(sessionWith(MINUTE, { n: 1 })), 20_000);
        expect(await store.peek(sid)).toMatchObject({ n: 1 });
        expect(await store.update(sid, (data) => Object.assign(data, { n: 2 }))).toBe(true);
        expect(await t.ttlOf(sid)).toBeLessThanOrEqual(20_000);
        expect(await store.peek(sid)).toMatchObject({ n: 2 });
      });
    });
  });
}

declare module 'express-session' {
  interface SessionData {
    views?: number;
    hit?: boolean;
    num?: number;
    n?: number;
  }
}
