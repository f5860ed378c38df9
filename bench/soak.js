'use strict';

/*
 * `npm run soak`: two sample instances on one private Redis, driven for minutes by many clients
 * over many sessions: reads, writes, logins and logouts, each request sent to the other instance
 * than the client's last one, each client checking its own writes. Not a test: it reports
 * errors, sessions lost, writes lost, each instance's RSS slope and Redis memory coming back to
 * its baseline once the sessions expire (BENCHMARKS.md, "Soak"). The load runs with the
 * sample's default timeouts (no session may expire under it); a second phase with short ones
 * measures the memory. Settings (environment):
 *   SOAK_SECONDS=300         length of the load
 *   SOAK_CONNECTIONS=100     clients, each one request at a time (so as many connections)
 *   SOAK_SESSIONS=10000      sessions, shared out among the clients
 *   SOAK_SIGNED_IN=10        percent of the sessions signed in at the start
 *   SOAK_MIX=70,26,4         percent of reads, writes and logins-or-logouts (a login for an
 *                            anonymous session, a logout for a signed-in one)
 *   SOAK_EXPIRY_IDLE_TIMEOUT_MS=20000, SOAK_EXPIRY_ABSOLUTE_TIMEOUT_MS=40000   the timeouts of
 *                            the second phase, where as many sessions are created again (after
 *                            FLUSHALL, on fresh instances) and left to expire: the store keeps a
 *                            session twice the idle timeout, the per-user index keeps its entry
 *                            the absolute timeout plus that, then Redis should be back to its
 *                            baseline
 *   SOAK_MARKDOWN=1          write the figures into BENCHMARKS.md
 *   SOAK_STRICT=1            exit 1 when a target is missed
 */
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { openBenchRedis, parseInfo } = require('./lib/redis');
const { startApp } = require('./lib/processes');
const { freePort, sleep, percentile, round, envInt } = require('./lib/util');
const { CookieClient, target } = require('./lib/cookie-client');
const { printSoakReport, writeSoakMarkdown } = require('./lib/soak-report');

const ROOT = path.resolve(__dirname, '..');
const SAMPLE_MAIN = path.join(ROOT, 'dist/apps/sample/apps/sample/src/main.js');
const PREFIX = 'sess:';
const DEFAULT_PAGE_SIZE = 20;
const EMAILS = ['user', 'alice', 'bob', 'moderator', 'admin', 'superadmin'].map(
  (name) => `${name}@example.com`,
);
const PASSWORD_OF = (email) => `${email.split('@')[0]}-password-1`;
const SAMPLE_EVERY_MS = 5000;
/**
 * Redis counts as back to its baseline within this many bytes: after the first traffic it keeps
 * about 0.5 MiB more than when it was fresh, whether 300 or 10,000 sessions came and went.
 */
const MEMORY_TOLERANCE_BYTES = 1024 * 1024;

const mix = (process.env.SOAK_MIX ?? '70,26,4').split(',').map(Number);
const config = {
  seconds: envInt('SOAK_SECONDS', 300),
  connections: envInt('SOAK_CONNECTIONS', 100),
  sessions: envInt('SOAK_SESSIONS', 10_000),
  signedInPercent: envInt('SOAK_SIGNED_IN', 10),
  mix: { read: mix[0], write: mix[1], auth: mix[2] },
  expiryIdleTimeoutMs: envInt('SOAK_EXPIRY_IDLE_TIMEOUT_MS', 20_000),
  expiryAbsoluteTimeoutMs: envInt('SOAK_EXPIRY_ABSOLUTE_TIMEOUT_MS', 40_000),
};
const log = (line) => console.log(`[soak] ${line}`);

/** What went wrong, by kind, with a few examples. */
class Tally {
  constructor() {
    this.counts = {};
    this.examples = [];
  }
  add(kind, detail) {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.examples.length < 10) this.examples.push(`${kind}: ${detail}`);
  }
  total() {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }
}

const errors = new Tally();
const lost = { sessions: 0, writes: 0 };
const ops = { read: 0, write: 0, login: 0, logout: 0, create: 0 };
const latencies = [];
let requests = 0;
let nextPageSize = 0;

/** One session, as its client knows it: who is signed in and the page size last written. */
class Visitor {
  constructor(id) {
    this.id = id;
    this.client = new CookieClient(`nest-session-kit-soak/${id}`);
    this.email = null;
    this.pageSize = undefined;
    this.turn = id;
    this.lastSeen = 0;
    this.maxGapMs = 0;
  }
}

/** Sends one request from the visitor, to the other instance than its last request went to. */
async function send(visitor, targets, method, urlPath, body) {
  const to = targets[visitor.turn++ % targets.length];
  const started = process.hrtime.bigint();
  const before = visitor.client.cookies.get('sid');
  try {
    const answer = await visitor.client.send(to, method, urlPath, body);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    requests++;
    const now = Date.now();
    if (visitor.lastSeen) visitor.maxGapMs = Math.max(visitor.maxGapMs, now - visitor.lastSeen);
    visitor.lastSeen = now;
    return { ...answer, cookieChanged: visitor.client.cookies.get('sid') !== before };
  } catch (err) {
    requests++;
    errors.add('network', `${method} ${urlPath} on ${to.port}: ${err.message}`);
    return null;
  }
}

function expectStatus(answer, status, what) {
  if (!answer) return false;
  if (answer.status === status) return true;
  errors.add(`${what} ${answer.status}`, JSON.stringify(answer.body).slice(0, 200));
  return false;
}

/** A new anonymous session (GET /auth/csrf creates it) holding a page size of its own. */
async function createSession(visitor, targets) {
  ops.create++;
  visitor.client.forget();
  visitor.email = null;
  visitor.pageSize = undefined;
  const answer = await send(visitor, targets, 'GET', '/auth/csrf');
  if (!expectStatus(answer, 200, 'GET /auth/csrf')) return;
  visitor.client.csrfToken = answer.body.csrfToken;
  await write(visitor, targets, true);
}

async function write(visitor, targets, fresh = false) {
  ops.write++;
  nextPageSize = (nextPageSize % 99) + 1;
  const pageSize = nextPageSize >= DEFAULT_PAGE_SIZE ? nextPageSize + 1 : nextPageSize;
  const answer = await send(visitor, targets, 'PUT', '/preferences', { pageSize });
  if (!expectStatus(answer, 200, 'PUT /preferences')) return;
  if (answer.cookieChanged && !fresh) {
    // The server did not know the session any more: it started a new one.
    lost.sessions++;
    errors.add('session replaced', `visitor ${visitor.id} on PUT /preferences`);
    visitor.email = null;
  }
  if (answer.body.pageSize !== pageSize) {
    lost.writes++;
    errors.add('write not applied', `wrote ${pageSize}, answered ${answer.body.pageSize}`);
  }
  visitor.pageSize = pageSize;
}

async function read(visitor, targets) {
  ops.read++;
  if (visitor.email && visitor.turn % 2 === 0) {
    const answer = await send(visitor, targets, 'GET', '/auth/me');
    if (answer && answer.status === 401) {
      lost.sessions++;
      errors.add('signed-in session gone', `visitor ${visitor.id}: ${answer.body.code}`);
      return createSession(visitor, targets);
    }
    if (expectStatus(answer, 200, 'GET /auth/me') && answer.body.user.email !== visitor.email) {
      errors.add('wrong user', `${answer.body.user.email} instead of ${visitor.email}`);
    }
    return;
  }
  const answer = await send(visitor, targets, 'GET', '/preferences');
  if (!expectStatus(answer, 200, 'GET /preferences') || visitor.pageSize === undefined) return;
  const seen = answer.body.pageSize;
  if (seen === visitor.pageSize) return;
  if (seen === DEFAULT_PAGE_SIZE) {
    lost.sessions++;
    errors.add('session gone', `visitor ${visitor.id} reads the default preferences`);
    return createSession(visitor, targets);
  }
  lost.writes++;
  errors.add('stale read', `visitor ${visitor.id} wrote ${visitor.pageSize}, read ${seen}`);
}

async function login(visitor, targets) {
  ops.login++;
  const email = EMAILS[visitor.id % EMAILS.length];
  const answer = await send(visitor, targets, 'POST', '/auth/login', {
    email,
    password: PASSWORD_OF(email),
  });
  if (!expectStatus(answer, 200, 'POST /auth/login')) return;
  if (!answer.cookieChanged) errors.add('login kept the session id', `visitor ${visitor.id}`);
  visitor.client.csrfToken = answer.body.csrfToken;
  visitor.email = email;
}

async function logout(visitor, targets) {
  ops.logout++;
  const replay = new CookieClient(visitor.client.userAgent);
  replay.cookies = new Map(visitor.client.cookies);
  const answer = await send(visitor, targets, 'POST', '/auth/logout');
  if (!expectStatus(answer, 204, 'POST /auth/logout')) return;
  // The old cookie must be dead on the other instance too, at once.
  const other = targets[visitor.turn % targets.length];
  const after = await replay.send(other, 'GET', '/auth/me').catch(() => null);
  requests++;
  expectStatus(after, 401, 'GET /auth/me after logout');
  visitor.client.forget();
  visitor.email = null;
  visitor.pageSize = undefined;
}

/** One step of the mix on the visitor's session. */
async function step(visitor, targets) {
  if (!visitor.client.hasCookie) return createSession(visitor, targets);
  const roll = Math.random() * 100;
  if (roll < config.mix.read) return read(visitor, targets);
  if (roll < config.mix.read + config.mix.write) return write(visitor, targets);
  return visitor.email ? logout(visitor, targets) : login(visitor, targets);
}

/** Runs `work` over the items with at most `concurrency` at a time. */
async function eachLimited(items, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function redisMemory(redis) {
  const info = parseInfo(await redis.client.info('memory'));
  return {
    used: Number(info.used_memory),
    scripts: Number(info.used_memory_scripts_eval ?? info.used_memory_scripts ?? 0),
    keys: await redis.client.dbSize(),
  };
}

/**
 * The keys left, grouped by name with the hash parts taken out, each group with its count and
 * its MEMORY USAGE: what the baseline comparison has to account for.
 */
async function keysLeft(redis) {
  const groups = {};
  for await (const keys of redis.client.scanIterator({ MATCH: '*', COUNT: 1000 })) {
    for (const key of keys) {
      const name = key
        .replace(/[0-9a-f]{16,}|[A-Za-z0-9_-]{32,}/g, '…')
        .replace(/\d{4}-\d{2}-\d{2}/, 'DAY');
      const bytes = Number(await redis.client.memoryUsage(key).catch(() => 0)) || 0;
      groups[name] ??= { count: 0, bytes: 0 };
      groups[name].count++;
      groups[name].bytes += bytes;
    }
  }
  return groups;
}

async function countKeys(redis, pattern) {
  let count = 0;
  for await (const keys of redis.client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    count += keys.length;
  }
  return count;
}

/** Least-squares slope of (t ms, value) points, per minute. */
function slopePerMinute(points) {
  if (points.length < 2) return NaN;
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanV = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.v - meanV);
    den += (p.t - meanT) ** 2;
  }
  return (num / den) * 60_000;
}

async function main() {
  if (!existsSync(SAMPLE_MAIN)) {
    log('building the sample (npm run build)');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const cleanups = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => cleanUp().finally(() => process.exit(130)));
  }
  const redis = await openBenchRedis(undefined);
  cleanups.push(() => redis.close());
  try {
    log(`Redis ${redis.version} at ${redis.url}; ${JSON.stringify(config)}`);
    const load = await loadPhase(redis);
    await redis.client.flushAll();
    const expiry = await expiryPhase(redis);
    const result = {
      date: new Date().toISOString(),
      config,
      machine: {
        cpus: require('node:os').cpus().length,
        load: require('node:os').loadavg()[0],
        node: process.version,
        redis: redis.version,
      },
      ...load,
      redis: expiry,
    };
    printSoakReport(result);
    if (process.env.SOAK_MARKDOWN === '1') {
      await writeSoakMarkdown(path.join(ROOT, 'BENCHMARKS.md'), result);
      log('BENCHMARKS.md updated');
    }
    const met = result.errors === 0 && result.sessionsLost === 0 && expiry.backToBaseline;
    return process.env.SOAK_STRICT === '1' && !met ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

/** Two sample instances on the Redis, with `env` on top of the soak's settings. */
async function startInstances(redis, secret, env) {
  const apps = [];
  try {
    for (const name of ['instance A', 'instance B']) {
      const port = await freePort();
      apps.push(
        await startApp({
          name,
          script: SAMPLE_MAIN,
          port,
          readyPath: '/health',
          unset: ['REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'DATABASE_URL', 'NODE_ENV'],
          env: {
            PORT: String(port),
            REDIS_URL: redis.url,
            SESSION_SECRET: secret,
            SESSION_PREFIX: PREFIX,
            // Six demo users hold thousands of sessions each here: no per-user limit, no lockouts.
            SESSION_MAX_PER_USER: '1000000',
            LOGIN_MAX_ATTEMPTS: '1000000',
            LOGIN_IP_MAX_FAILURES: '1000000',
            ...env,
          },
        }),
      );
    }
  } catch (err) {
    await Promise.all(apps.map((app) => app.stop()));
    throw err;
  }
  const perInstance = Math.ceil(config.connections / apps.length);
  return {
    apps,
    targets: apps.map((app) => target(app.port, perInstance)),
    stop: () => Promise.all(apps.map((app) => app.stop())),
  };
}

/** Creates the visitors' sessions, the first `signedIn` percent of them signed in. */
async function seed(count, targets) {
  const visitors = Array.from({ length: count }, (_, i) => new Visitor(i));
  const signedIn = Math.round((count * config.signedInPercent) / 100);
  const started = Date.now();
  await eachLimited(visitors, config.connections, async (visitor) => {
    await createSession(visitor, targets);
    if (visitor.id < signedIn) await login(visitor, targets);
  });
  const seconds = (Date.now() - started) / 1000;
  log(`seeded ${count} sessions (${signedIn} signed in) in ${round(seconds, 1)} s`);
  return { visitors, seconds };
}

/** The load itself, with the sample's default timeouts, then every client's last check. */
async function loadPhase(redis) {
  const instances = await startInstances(redis, crypto.randomBytes(24).toString('hex'), {});
  try {
    const { apps, targets } = instances;
    const { visitors, seconds: seedSeconds } = await seed(config.sessions, targets);
    const seedRequests = requests;
    latencies.length = 0;
    for (const key of Object.keys(ops)) ops[key] = 0;

    const samples = apps.map(() => []);
    const loadStarted = Date.now();
    for (const visitor of visitors) {
      visitor.lastSeen = loadStarted;
      visitor.maxGapMs = 0;
    }
    const deadline = loadStarted + config.seconds * 1000;
    const sampler = setInterval(async () => {
      const t = Date.now() - loadStarted;
      await Promise.all(
        apps.map(async (app, i) => {
          const reply = await app.request({ type: 'memory' }, 'memory').catch(() => null);
          if (reply) samples[i].push({ t, v: reply.usage.rss, heap: reply.usage.heapUsed });
        }),
      );
    }, SAMPLE_EVERY_MS);
    const perClient = Math.ceil(config.sessions / config.connections);
    let lastReport = Date.now();
    await Promise.all(
      Array.from({ length: config.connections }, async (_, c) => {
        const mine = visitors.slice(c * perClient, (c + 1) * perClient);
        for (let i = 0; Date.now() < deadline && mine.length > 0; i++) {
          await step(mine[i % mine.length], targets);
          if (c === 0 && Date.now() - lastReport > 30_000) {
            lastReport = Date.now();
            log(
              `${round((Date.now() - loadStarted) / 1000, 0)} s: ${requests - seedRequests} ` +
                `requests, ${errors.total()} errors, ${lost.sessions} sessions lost`,
            );
          }
        }
      }),
    );
    clearInterval(sampler);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const loadRequests = requests - seedRequests;
    const loadLatencies = latencies.slice();

    // Every client checks its own session once more, now that the load has stopped.
    const lostBefore = lost.sessions + lost.writes;
    await eachLimited(visitors, config.connections, async (visitor) => {
      if (!visitor.client.hasCookie) return;
      visitor.turn = 0;
      await read(visitor, targets);
      if (visitor.email) {
        visitor.turn = 1;
        await read(visitor, targets);
      }
    });
    const settledFrom = Math.min(60_000, loadSeconds * 200);
    return {
      seedSeconds,
      loadSeconds,
      requests: loadRequests,
      rps: loadRequests / loadSeconds,
      p50: percentile(loadLatencies, 50),
      p99: percentile(loadLatencies, 99),
      ops: { ...ops },
      errors: errors.total(),
      errorCounts: { ...errors.counts },
      errorExamples: errors.examples.slice(),
      sessionsLost: lost.sessions,
      writesLost: lost.writes,
      lostInFinalCheck: lost.sessions + lost.writes - lostBefore,
      maxGapMs: Math.max(...visitors.map((v) => v.maxGapMs)),
      rss: samples.map((points) => {
        const settled = points.filter((p) => p.t >= settledFrom);
        return {
          first: points[0]?.v,
          last: points[points.length - 1]?.v,
          slopePerMin: slopePerMinute(settled),
          heapSlopePerMin: slopePerMinute(settled.map((p) => ({ t: p.t, v: p.heap }))),
        };
      }),
    };
  } finally {
    await instances.stop();
  }
}

/**
 * As many sessions again, on fresh instances with short timeouts, left to expire: how far
 * Redis comes back to the baseline it had before them.
 */
async function expiryPhase(redis) {
  const instances = await startInstances(redis, crypto.randomBytes(24).toString('hex'), {
    SESSION_IDLE_TIMEOUT_MS: String(config.expiryIdleTimeoutMs),
    SESSION_ABSOLUTE_TIMEOUT_MS: String(config.expiryAbsoluteTimeoutMs),
  });
  try {
    await sleep(1000);
    const baseline = await redisMemory(redis);
    const errorsBefore = errors.total();
    const countsBefore = { ...errors.counts };
    await seed(config.sessions, instances.targets);
    const peak = await redisMemory(redis);
    log('waiting for the sessions and their index entries to expire');
    const started = Date.now();
    const deadline =
      started + config.expiryAbsoluteTimeoutMs + 2 * config.expiryIdleTimeoutMs + 60_000;
    const perSessionKeys = async () => ({
      sessions: await countKeys(redis, `${PREFIX}*`),
      registry: await countKeys(redis, `nsk:${PREFIX}user:*`),
    });
    let left = await perSessionKeys();
    while (Date.now() < deadline && left.sessions + left.registry > 0) {
      await sleep(5000);
      left = await perSessionKeys();
    }
    // Let Redis' cron shrink the emptied hash tables before reading the memory.
    await sleep(5000);
    const after = await redisMemory(redis);
    const remaining = await keysLeft(redis);
    const remainingBytes = Object.values(remaining).reduce((sum, group) => sum + group.bytes, 0);
    /** Memory over the baseline that is not in the keys that stay by design nor in Lua scripts. */
    const residual =
      after.used - baseline.used - remainingBytes - (after.scripts - baseline.scripts);
    return {
      sessions: config.sessions,
      errors: errors.total() - errorsBefore,
      errorCounts: Object.fromEntries(
        Object.entries(errors.counts).map(([kind, n]) => [kind, n - (countsBefore[kind] ?? 0)]),
      ),
      baseline: baseline.used,
      baselineKeys: baseline.keys,
      peak: peak.used,
      peakKeys: peak.keys,
      after: after.used,
      afterKeys: after.keys,
      scriptsDelta: after.scripts - baseline.scripts,
      sessionKeysLeft: left.sessions,
      registryKeysLeft: left.registry,
      keysLeft: remaining,
      keysLeftBytes: remainingBytes,
      residual,
      expirySeconds: (Date.now() - started) / 1000,
      backToBaseline: left.sessions + left.registry === 0 && residual < MEMORY_TOLERANCE_BYTES,
    };
  } finally {
    await instances.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[soak] failed: ${err.stack || err.message}`);
    process.exit(2);
  },
);
