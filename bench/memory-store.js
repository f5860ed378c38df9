'use strict';

/*
 * Child process of bench/run.js (run with --expose-gc): measures the built library's
 * MemorySessionStore (nest-session-kit, `npm run build`) directly. Inserts `fill` sessions through set() into a store bounded at
 * `max`, then more up to `overfill`, and prints one JSON line: memory deltas, bytes per session,
 * and whether the size stayed at the bound (oldest evicted, newest kept).
 *
 * Usage: node --expose-gc bench/memory-store.js <max> <fill> <overfill>
 */
const crypto = require('node:crypto');
const { storedSessionCookie } = require('./lib/session-cookie');

const [maxArg, fillArg, overfillArg] = process.argv.slice(2);
const max = Number(maxArg);
const fill = Number(fillArg);
const overfill = Number(overfillArg);

function sessionFor(i) {
  const now = Date.now();
  return {
    cookie: storedSessionCookie(),
    user: { id: `u-${i}`, email: `user${i}@example.com`, roles: ['user'] },
    auth: {
      createdAt: now,
      authenticatedAt: now,
      lastActivityAt: now,
      rotatedAt: now,
      ip: `203.0.${(i >> 8) & 255}.${i & 255}`,
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    },
    csrfToken: crypto.randomBytes(32).toString('base64url'),
  };
}

const sidFor = (i) =>
  `${String(i).padStart(8, '0')}${crypto.randomBytes(18).toString('base64url')}`;

function measure() {
  global.gc();
  global.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

function call(fn) {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

async function insert(store, from, to, sids) {
  const BATCH = 1000;
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const writes = [];
    for (let i = start; i < end; i++) {
      const sid = sidFor(i);
      if (sids) sids.push(sid);
      writes.push(call((cb) => store.set(sid, sessionFor(i), cb)));
    }
    await Promise.all(writes);
  }
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const { MemorySessionStore } = require('nest-session-kit');
  const before = measure();
  const store = new MemorySessionStore({ maxSessions: max, ttlSeconds: 3600 });
  const probes = [];
  let started = Date.now();
  await insert(store, 0, 1, probes);
  await insert(store, 1, fill);
  const fillMs = Date.now() - started;
  const atFill = measure();
  const sizeAtFill = store.size;

  started = Date.now();
  await insert(store, fill, overfill - 1);
  await insert(store, overfill - 1, overfill, probes);
  const overfillMs = Date.now() - started;
  const atOverfill = measure();
  const sizeAtOverfill = store.size;
  const [first, last] = probes;
  const firstKept = (await call((cb) => store.get(first, cb))) != null;
  const lastKept = (await call((cb) => store.get(last, cb))) != null;
  store.close();

  const delta = (a, b) => ({
    rss: b.rss - a.rss,
    heapUsed: b.heapUsed - a.heapUsed,
    external: b.external - a.external,
  });
  const fillDelta = delta(before, atFill);
  const overfillDelta = delta(before, atOverfill);
  process.stdout.write(
    `${JSON.stringify({
      maxSessions: max,
      fill,
      overfill,
      sizeAtFill,
      sizeAtOverfill,
      bounded: sizeAtFill === Math.min(fill, max) && sizeAtOverfill === max,
      oldestEvicted: !firstKept,
      newestKept: lastKept,
      fillMs,
      overfillMs,
      before,
      atFill,
      atOverfill,
      fillDelta,
      overfillDelta,
      heapBytesPerSession: Math.round(fillDelta.heapUsed / sizeAtFill),
      rssBytesPerSession: Math.round(fillDelta.rss / sizeAtFill),
      heapBytesPerSessionAtOverfill: Math.round(overfillDelta.heapUsed / sizeAtOverfill),
      storedJsonBytes: Buffer.byteLength(JSON.stringify(sessionFor(fill))),
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`memory-store bench failed: ${err && err.stack}\n`);
  process.exit(1);
});
