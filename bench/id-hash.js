'use strict';

/*
 * Microbench of session ids at rest (`npm run bench:ids`, after `npm run build`): what keying
 * the store on HMAC-SHA256 of the id costs per request. A request reads its session once (one
 * hash) and, when it changed it, writes once (a second hash). Measures the hash alone, then a
 * read of a stored session through the compiled MemorySessionStore with raw and hashed ids, in
 * alternating rounds; prints one JSON line with the medians, in microseconds.
 *
 * Usage: node bench/id-hash.js [iterations per round, default 200000] [rounds, default 7]
 */
const crypto = require('node:crypto');
const path = require('node:path');

const LIB = path.join(__dirname, '..', 'dist/apps/sample/libs/session/src');
const { SessionIdsAtRest } = require(path.join(LIB, 'security/session-ids-at-rest.js'));
const { MemorySessionStore } = require(path.join(LIB, 'backends/memory/memory-session.store.js'));

const iterations = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 7);
const SESSIONS = 10_000;
const secret = crypto.randomBytes(32).toString('hex');
const sids = Array.from({ length: SESSIONS }, () => crypto.randomBytes(24).toString('base64url'));
const session = () => ({
  cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
  user: { id: 'u-1', email: 'user@example.com', roles: ['user'] },
  csrfToken: crypto.randomBytes(32).toString('base64url'),
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const call = (fn) =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

function hashRound(ids) {
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += ids.storedIdOf(sids[i % SESSIONS]).length;
  const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations;
  if (sink === 0) throw new Error('unreachable');
  return micros;
}

async function storeWith(ids) {
  const store = new MemorySessionStore({ maxSessions: SESSIONS * 2, ttlSeconds: 3600 });
  store.useIdsAtRest(ids);
  for (const sid of sids) await call((cb) => store.set(sid, session(), cb));
  return store;
}

async function readRound(store) {
  const reads = iterations / 4;
  const started = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) {
    const found = await call((cb) => store.get(sids[i % SESSIONS], cb));
    if (!found) throw new Error('session not found');
  }
  return Number(process.hrtime.bigint() - started) / 1000 / reads;
}

async function main() {
  const hashed = new SessionIdsAtRest([secret]);
  const stores = { raw: await storeWith(SessionIdsAtRest.RAW), hashed: await storeWith(hashed) };
  hashRound(hashed);
  await readRound(stores.raw);
  await readRound(stores.hashed);
  const hash = [];
  const read = { raw: [], hashed: [] };
  for (let round = 0; round < rounds; round++) {
    hash.push(hashRound(hashed));
    const order = round % 2 === 0 ? ['raw', 'hashed'] : ['hashed', 'raw'];
    for (const kind of order) read[kind].push(await readRound(stores[kind]));
  }
  for (const store of Object.values(stores)) store.close();
  const perRead = { raw: median(read.raw), hashed: median(read.hashed) };
  const round3 = (n) => Math.round(n * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      iterations,
      rounds,
      hashMicros: round3(median(hash)),
      memoryStoreReadMicros: { raw: round3(perRead.raw), hashed: round3(perRead.hashed) },
      addedPerReadMicros: round3(perRead.hashed - perRead.raw),
      perRequestMicros: { readOnly: round3(median(hash)), readAndWrite: round3(2 * median(hash)) },
    })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
