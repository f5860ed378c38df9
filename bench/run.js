'use strict';

/*
 * `npm run bench`: the sample app (nest-session-kit, every default security feature on) against a
 * hand-wired baseline (bench/baseline/main.js), on one Redis, in one run on this machine. See
 * BENCHMARKS.md for what is measured and the targets. Settings (environment):
 *   BENCH_REDIS_URL        use this Redis instead of a private redis-server (its other clients
 *                          then pollute the command counts; 1M keys go to the next database)
 *   BENCH_ROUNDS=16        rounds of every app once, in a rotating order
 *   BENCH_RESTARTS=4       start the compared apps this many times, a share of the rounds each
 *   BENCH_PIN=0            do not pin the apps and the load generator to separate CPUs
 *   BENCH_SCALE_ROUNDS=3   alternating rounds: sample at 1k, sample at 1M stored sessions
 *   BENCH_LADDER_ROUNDS=8  alternating rounds of the ladder (floor, Fastify, Express; see LADDER)
 *   BENCH_LADDER=0         skip the ladder
 *   BENCH_ROUND_SECONDS=3  BENCH_WARMUP_SECONDS=3  BENCH_CONNECTIONS=50  BENCH_LOGINS=50
 *   BENCH_SCALE=1000000    other sessions stored for the large side of the scale step
 *   BENCH_MEMORY_SESSIONS=100000   memory-store bound (then filled to 1.5x)
 *   BENCH_PROFILE=1        CPU-profile the apps under load even when every target is met
 *   BENCH_BUILD=1          run `npm run build` first even when dist exists
 *   BENCH_STRICT=1         exit 1 when a target is missed
 *   BENCH_POSTGRES=0       skip the PostgreSQL step
 *   BENCH_ONLY=postgres    run only the PostgreSQL step (with the sample on Redis beside it)
 *   BENCH_PG_ROUNDS=6  BENCH_PG_RESTARTS=2  BENCH_PG_LOGINS=100  BENCH_PG_EXPIRED=100000
 *   BENCH_PG_PRUNE_BATCH=1000  BENCH_PG_BIN=/usr/lib/postgresql/15/bin
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { storedSessionCookie } = require('./lib/session-cookie');
const { spawnSync, spawn } = require('node:child_process');
const { openBenchRedis, commandStats, statsDelta, pipeline } = require('./lib/redis');
const { openBenchPostgres, statementStats, statementsDelta } = require('./lib/postgres');
const { postgresSessionWriter } = require('./lib/postgres-sessions');
const { timePrune } = require('./lib/postgres-prune');
const { startApp } = require('./lib/processes');
const { login, sessionIdOf, statusOf, load } = require('./lib/http');
const { summarizeProfile, diffProfiles } = require('./lib/profile');
const { freePort, sleep, median, percentile, round, withTimeout, envInt } = require('./lib/util');
const { cpuPlan } = require('./lib/cpu-pinning');
const {
  printReport,
  printPostgresReport,
  updateBenchmarksMd,
  updatePostgresMd,
} = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const SAMPLE_MAIN = path.join(ROOT, 'dist/apps/sample/apps/sample/src/main.js');
/** The built library (`npm run build`), which bench/memory-store.js requires by its name. */
const LIBRARY_MAIN = path.join(ROOT, 'libs/session/dist/index.js');
const BASELINE_MAIN = path.join(__dirname, 'baseline/main.js');
const LIBRARY_ONLY_MAIN = path.join(__dirname, 'library-only/main.js');
const FLOOR_MAIN = path.join(__dirname, 'floor/main.js');
const FASTIFY_BASELINE_MAIN = path.join(__dirname, 'fastify-baseline/main.js');
/** The apps on Express whatever HTTP_ADAPTER the bench's own environment has. */
const EXPRESS = { HTTP_ADAPTER: 'express' };
const RESULTS_DIR = path.join(__dirname, 'results');
const SAMPLE_PREFIX = 'sess:';
/**
 * The sample, the hand-wired baseline, the baseline with the sample's security headers, and the
 * baseline's app on the library instead of hand-wired sessions (what the library alone costs).
 */
const APPS = ['sample', 'baseline', 'baselineHeaders', 'libraryOnly'];
/**
 * Issue 17's ladder, in one set of alternating rounds: bare node:http with one Redis GET (the
 * floor), hand-wired Nest on Fastify (@fastify/session), the sample on Fastify, the sample on
 * Express, hand-wired Nest on Express (express-session).
 */
const LADDER = ['floor', 'fastifyBaseline', 'sampleFastify', 'sample', 'baseline'];

const config = {
  rounds: envInt('BENCH_ROUNDS', 16),
  ladderRounds: envInt('BENCH_LADDER_ROUNDS', 8),
  scaleRounds: envInt('BENCH_SCALE_ROUNDS', 3),
  restarts: envInt('BENCH_RESTARTS', 4),
  roundSeconds: envInt('BENCH_ROUND_SECONDS', 3),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 3),
  connections: envInt('BENCH_CONNECTIONS', 50),
  logins: envInt('BENCH_LOGINS', 50),
  smallScale: 1000,
  scale: envInt('BENCH_SCALE', 1_000_000),
  memorySessions: envInt('BENCH_MEMORY_SESSIONS', 100_000),
  pgRounds: envInt('BENCH_PG_ROUNDS', 6),
  pgRestarts: envInt('BENCH_PG_RESTARTS', 2),
  pgLogins: envInt('BENCH_PG_LOGINS', 100),
  pgExpired: envInt('BENCH_PG_EXPIRED', 100_000),
  pgPruneBatch: envInt('BENCH_PG_PRUNE_BATCH', 1000),
};
const ONLY = process.env.BENCH_ONLY || 'all';
if (!['all', 'postgres'].includes(ONLY)) {
  throw new Error(`BENCH_ONLY=${ONLY}: expected postgres (or unset for everything)`);
}
const POSTGRES_ONLY = ONLY === 'postgres';
const WITH_POSTGRES = POSTGRES_ONLY || process.env.BENCH_POSTGRES !== '0';
const WITH_LADDER = !POSTGRES_ONLY && process.env.BENCH_LADDER !== '0';
/** The PostgreSQL samples' schemas (DATABASE_SCHEMA) in the bench database: 1k and 1M sessions. */
const PG_SMALL = 'bench_small';
const PG_LARGE = 'bench_large';
const TARGETS = {
  throughputRatio: 0.95,
  fastifyOverHandWired: 1.0,
  fastifyOverExpress: 1.8,
  commandsPerRead: 1.05,
  scaleFactor: 1.2,
  queriesPerRead: 1.05,
};
const WATCHDOG_MS = 30 * 60_000;
/** The variables that each name a store for the sample (at most one may be set). */
const STORE_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'DATABASE_URL'];

const cleanups = [];
const log = (line) => console.log(`[bench] ${line}`);

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`[bench] still running after ${WATCHDOG_MS / 60_000} min: giving up`);
    shutdown(2);
  }, WATCHDOG_MS);
  watchdog.unref();
  const startedAt = new Date();

  ensureBuilt();
  const redis = await openBenchRedis(process.env.BENCH_REDIS_URL);
  cleanups.push(() => redis.close());
  log(`Redis ${redis.version} at ${redis.url}${redis.private ? ' (private)' : ''}`);
  const cpus = cpuPlan();
  cpus.pinLoad(process.pid);
  if (redis.pid) cpus.pinLoad(redis.pid);
  let pg = null;
  if (WITH_POSTGRES) {
    pg = await openBenchPostgres();
    cleanups.push(() => pg.close());
    // The postmaster's backends, forked later for the apps' connections, inherit its CPUs.
    cpus.pinLoad(pg.pid);
    log(`PostgreSQL ${pg.version}: ${pg.description}, database ${pg.database}`);
  }
  log(`CPUs: ${cpus.description}`);

  const secret = crypto.randomBytes(24).toString('base64url'); // 32 characters
  // Two logical databases of the one server: the comparison and the 1k side of the scale step
  // in the first, the 1M side in the next, so 1k and 1M can be measured in alternating rounds.
  const smallUrl = redis.url;
  const largeUrl = withDatabase(redis.url, 1);
  const unset = ['NODE_ENV', 'SESSION_NAME', 'SESSION_PREFIX'];
  const specs = {
    sample: { script: SAMPLE_MAIN, readyPath: '/health', env: EXPRESS },
    baseline: { script: BASELINE_MAIN, env: EXPRESS },
    baselineHeaders: { script: BASELINE_MAIN, env: { ...EXPRESS, BASELINE_HEADERS: '1' } },
    libraryOnly: { script: LIBRARY_ONLY_MAIN, env: EXPRESS },
    sampleLarge: { script: SAMPLE_MAIN, readyPath: '/health', env: EXPRESS, redisUrl: largeUrl },
    floor: { script: FLOOR_MAIN },
    fastifyBaseline: { script: FASTIFY_BASELINE_MAIN },
    sampleFastify: { script: SAMPLE_MAIN, readyPath: '/health', env: { HTTP_ADAPTER: 'fastify' } },
    // The sample on PostgreSQL (DATABASE_URL), one schema each for the 1k and the 1M side.
    pgSample: { script: SAMPLE_MAIN, readyPath: '/health', env: EXPRESS, postgresSchema: PG_SMALL },
    pgLarge: { script: SAMPLE_MAIN, readyPath: '/health', env: EXPRESS, postgresSchema: PG_LARGE },
  };
  const apps = {};
  const sessions = {};
  const relogins = {};
  /** Starts the app (again), pins it to the apps' CPU and logs in. */
  const launch = async (name) => {
    const spec = specs[name];
    if (apps[name]) await apps[name].stop();
    const port = await freePort();
    const store = spec.postgresSchema
      ? { DATABASE_URL: pg.url, DATABASE_SCHEMA: spec.postgresSchema }
      : { REDIS_URL: spec.redisUrl ?? smallUrl };
    apps[name] = await startApp({
      name,
      script: spec.script,
      env: { ...store, SESSION_SECRET: secret, ...spec.env, PORT: String(port) },
      // A store variable of the bench's own environment would be a second store for the app.
      unset: [...unset, ...STORE_VARIABLES.filter((key) => !(key in store))],
      port,
      readyPath: spec.readyPath,
    });
    cpus.pinApp(apps[name].child.pid);
    sessions[name] = (await login(apps[name].url)).cookie;
    relogins[name] ??= 0;
    log(`${name} on :${port}`);
  };
  cleanups.push(() => Promise.all(Object.values(apps).map((app) => app.stop())));
  const redisApps = POSTGRES_ONLY ? ['sample'] : [...APPS, 'sampleLarge'];
  for (const name of redisApps) await launch(name);

  // Other users' sessions, shaped like the sample's own (its stored JSON is the template).
  const other = await otherSessionWriter(redis, sessions.sample);
  let t = await other.fill(smallUrl, config.smallScale);
  log(`stored ${fmtInt(config.smallScale)} other sessions in the first database (${t} ms)`);

  const keepSession = async (name) => {
    if ((await statusOf(apps[name].url, '/auth/me', sessions[name])) === 200) return;
    relogins[name]++;
    sessions[name] = (await login(apps[name].url)).cookie;
    const status = await statusOf(apps[name].url, '/auth/me', sessions[name]);
    if (status !== 200) throw new Error(`${name}: GET /auth/me answers ${status} after login`);
  };

  /** What a round counts per read: Redis commands, or PostgreSQL statements for the PG apps. */
  const redisCounter = {
    unit: 'Redis cmds',
    snapshot: () => commandStats(redis.client),
    delta: statsDelta,
  };
  const pgCounter = pg && {
    unit: 'PG queries',
    snapshot: () => statementStats(pg.client),
    delta: statementsDelta,
  };
  const counterOf = (name) => (specs[name].postgresSchema ? pgCounter : redisCounter);

  const runRound = async (name, seconds) => {
    await keepSession(name);
    const counter = counterOf(name);
    const before = await counter.snapshot();
    const cpuBefore = (await apps[name].request({ type: 'cpu' }, 'cpu')).usage;
    const result = await load(apps[name].url, '/auth/me', sessions[name], {
      connections: config.connections,
      seconds,
    });
    await sleep(300); // requests cut off at the end still reach the store
    const cpuAfter = (await apps[name].request({ type: 'cpu' }, 'cpu')).usage;
    const delta = counter.delta(before, await counter.snapshot());
    const cpuUs = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
    const cpuPerRequestUs = result.requests ? cpuUs / result.requests : NaN;
    const commandsPerRead = result.requests ? delta.total / result.requests : NaN;
    const perCommand = {};
    for (const [cmd, calls] of Object.entries(delta.perCommand)) {
      perCommand[cmd] = round(calls / result.requests, 4);
    }
    return { ...result, commandsPerRead, perCommand, cpuPerRequestUs };
  };

  /** Each round runs every app once; the order rotates, so no app always follows the same one. */
  const alternatingRounds = async (label, count, names, firstRound = 0, total = count) => {
    const rounds = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = firstRound; i < firstRound + count; i++) {
      const shift = i % names.length;
      for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
        const r = await runRound(name, config.roundSeconds);
        rounds[name].push(r);
        log(
          `${label} round ${i + 1}/${total} ${name.padEnd(14)} ${r.rps.toFixed(0)} req/s ` +
            `p50 ${r.p50} ms p99 ${r.p99} ms, ${r.cpuPerRequestUs.toFixed(0)} µs CPU/req, ` +
            `${r.commandsPerRead.toFixed(3)} ${counterOf(name).unit}/read` +
            (r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''),
        );
      }
    }
    return rounds;
  };

  /**
   * Alternating rounds, with the apps started afresh between shares of them (at most `restarts`
   * starts in all): one process of the same code can be 10% faster or slower than the next for
   * its whole life, and rotating rounds do not cancel that.
   */
  const roundsAcrossStarts = async (label, count, names, restarts = config.restarts) => {
    const starts = Math.min(restarts, count);
    const all = Object.fromEntries(names.map((name) => [name, []]));
    for (let start = 0; start < starts; start++) {
      if (start > 0) {
        for (const name of names) await launch(name);
        for (const name of names) await runRound(name, config.warmupSeconds);
      }
      const first = Math.floor((start * count) / starts);
      const next = Math.floor(((start + 1) * count) / starts);
      const rounds = await alternatingRounds(label, next - first, names, first, count);
      for (const name of names) all[name].push(...rounds[name]);
    }
    return all;
  };

  /** Sequential logins, taking turns between the apps; latency statistics for each. */
  const loginLatencies = async (names, count = config.logins) => {
    const times = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = 0; i < count; i++) {
      for (const name of names) times[name].push((await login(apps[name].url)).ms);
    }
    const stats = (list) => ({
      median: median(list),
      p90: percentile(list, 90),
      p95: percentile(list, 95),
      max: Math.max(...list),
    });
    return Object.fromEntries(names.map((name) => [name, stats(times[name])]));
  };

  const bench = { apps, specs, launch, runRound, roundsAcrossStarts, loginLatencies };
  let summary = { targets: {} };
  let profiles = null;
  let keyspace = null;
  let rounds = {};
  if (!POSTGRES_ONLY) {
    log(`warm-up: ${config.warmupSeconds} s each`);
    for (const name of Object.keys(apps)) await runRound(name, config.warmupSeconds);

    log(
      `comparison: ${config.rounds} alternating rounds of ${config.roundSeconds} s, ` +
        `${config.connections} connections, each app started ${config.restarts} times`,
    );
    const small = await roundsAcrossStarts('compare', config.rounds, APPS);

    t = await other.fill(largeUrl, config.scale);
    log(`stored ${fmtInt(config.scale)} other sessions in the second database (${t} ms)`);
    keyspace = (await redis.client.info('keyspace')).trim().split(/\r?\n/).slice(1);
    log(`scale: ${config.scaleRounds} alternating rounds, sample at 1k / sample at 1M`);
    const scale = await roundsAcrossStarts('scale', config.scaleRounds, ['sample', 'sampleLarge']);
    const logins = await loginLatencies(['sample', 'sampleLarge', 'baseline']);
    log(
      `login median: ${logins.sample.median.toFixed(1)} ms at 1k, ` +
        `${logins.sampleLarge.median.toFixed(1)} ms at 1M`,
    );

    summary = summarize(small, scale, logins);
    rounds = { compare: small, scale };

    const missed = !summary.targets.throughput.met || !summary.targets.commands.met;
    const scaleMissed = !summary.targets.loginScale.met || !summary.targets.readScale.met;
    if (process.env.BENCH_PROFILE === '1' || missed || scaleMissed) {
      const names = scaleMissed ? [...APPS, 'sampleLarge'] : APPS;
      profiles = await profileApps(apps, names, sessions, keepSession, [
        ['sampleOverBaselineHeaders', 'sample', 'baselineHeaders'],
      ]);
    }
    for (const name of [...APPS.filter((n) => !LADDER.includes(n)), 'sampleLarge']) {
      await apps[name].stop();
    }

    if (WITH_LADDER) {
      for (const name of LADDER.filter((n) => !apps[n])) await launch(name);
      log(`ladder warm-up: ${config.warmupSeconds} s each`);
      for (const name of LADDER) await runRound(name, config.warmupSeconds);
      log(`ladder: ${config.ladderRounds} alternating rounds of ${LADDER.join(', ')}`);
      const ladderRounds = await roundsAcrossStarts('ladder', config.ladderRounds, LADDER, 2);
      summary.ladder = summarizeLadder(ladderRounds);
      Object.assign(summary.targets, summary.ladder.targets);
      rounds.ladder = ladderRounds;
      const ladderMissed = Object.values(summary.ladder.targets).some((target) => !target.met);
      if (process.env.BENCH_PROFILE === '1' || ladderMissed) {
        const names = ['sampleFastify', 'fastifyBaseline'];
        profiles = {
          ...profiles,
          ...(await profileApps(apps, names, sessions, keepSession, [
            ['sampleFastifyOverFastifyBaseline', 'sampleFastify', 'fastifyBaseline'],
          ])),
        };
      }
      for (const name of LADDER.filter((n) => n !== 'sample')) await apps[name].stop();
    }
  }

  let postgres = null;
  if (pg) {
    postgres = await postgresStep(bench, pg);
    rounds.postgres = postgres.rounds;
    delete postgres.rounds;
  }

  for (const name of Object.keys(apps)) await apps[name].stop();
  await other.cleanup();

  let memory = null;
  if (!POSTGRES_ONLY) {
    log(`memory store: ${config.memorySessions} sessions, then ${config.memorySessions * 1.5}`);
    memory = await memoryStoreBench();
    summary.targets.memory = {
      target: 'size stays at maxSessions',
      value: memory.sizeAtOverfill,
      met: memory.bounded && memory.oldestEvicted && memory.newestKept,
    };
  }

  const results = {
    date: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    only: ONLY,
    machine: describeMachine(redis.version, pg && pg.version),
    cpuPinning: cpus.description,
    config,
    redis: { url: redis.private ? 'private redis-server' : redis.url, keyspace },
    relogins,
    ...summary,
    memory,
    profiles,
    postgres,
    rounds,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  // A PostgreSQL-only run leaves the full run's latest.json alone.
  const jsonName = POSTGRES_ONLY ? 'latest-postgres.json' : 'latest.json';
  fs.writeFileSync(path.join(RESULTS_DIR, jsonName), `${JSON.stringify(results, null, 2)}\n`);
  if (!POSTGRES_ONLY) printReport(results);
  if (postgres) printPostgresReport(results);
  const md = path.join(ROOT, 'BENCHMARKS.md');
  if (!POSTGRES_ONLY) await updateBenchmarksMd(md, results);
  if (postgres) await updatePostgresMd(md, results);
  log(`wrote bench/results/${jsonName} and BENCHMARKS.md`);

  await runCleanups();
  const targets = [...Object.values(results.targets), ...Object.values(postgres?.targets ?? {})];
  const allMet = targets.every((target) => target.met);
  return allMet || process.env.BENCH_STRICT !== '1' ? 0 : 1;
}

/**
 * The PostgreSQL step: the sample on PostgreSQL (1k other sessions in its schema) against the
 * sample on Redis (1k in its database), and a second one with 1M (`config.scale`) in its schema,
 * in alternating read rounds; then logins taking turns; then, with the PG apps stopped, the
 * library's pruner over `config.pgExpired` expired rows beside the 1M live ones.
 */
async function postgresStep(bench, pg) {
  const { apps, launch, runRound, roundsAcrossStarts, loginLatencies } = bench;
  const started = Date.now();
  const loadBefore = os.loadavg();
  log('PostgreSQL: starting the sample on it, twice (1k and 1M other sessions)');
  await launch('pgSample');
  await launch('pgLarge');
  const writer = await postgresSessionWriter(pg.client, PG_SMALL);
  const fill = { smallMs: await writer.fill(PG_SMALL, config.smallScale) };
  fill.largeMs = await writer.fill(PG_LARGE, config.scale);
  fill.vacuumMs = (await writer.vacuum(PG_SMALL)) + (await writer.vacuum(PG_LARGE));
  const { rows: sizes } = await pg.client.query(
    `SELECT pg_total_relation_size($1::regclass)::float8 AS sessions,
            pg_total_relation_size($2::regclass)::float8 AS users`,
    [`${PG_LARGE}.sessions`, `${PG_LARGE}.sessions_users`],
  );
  fill.largeBytes = sizes[0];
  log(
    `PostgreSQL: stored ${fmtInt(config.smallScale)} and ${fmtInt(config.scale)} other sessions ` +
      `with their index rows (${fill.smallMs} ms, ${fill.largeMs} ms; VACUUM ANALYZE ${fill.vacuumMs} ms)`,
  );

  const names = ['sample', 'pgSample', 'pgLarge'];
  log(`PostgreSQL warm-up: ${config.warmupSeconds} s each`);
  for (const name of names) await runRound(name, config.warmupSeconds);
  log(
    `PostgreSQL: ${config.pgRounds} alternating rounds, sample on Redis / on PostgreSQL at 1k / at 1M, ` +
      `each started ${Math.min(config.pgRestarts, config.pgRounds)} times`,
  );
  const rounds = await roundsAcrossStarts('postgres', config.pgRounds, names, config.pgRestarts);
  const logins = await loginLatencies(['pgSample', 'pgLarge', 'sample'], config.pgLogins);
  log(
    `PostgreSQL login median: ${logins.pgSample.median.toFixed(1)} ms at 1k, ` +
      `${logins.pgLarge.median.toFixed(1)} ms at 1M`,
  );

  // The apps' own pruners would take the lock (and the rows) from the timed one.
  await apps.pgSample.stop();
  await apps.pgLarge.stop();
  const expiredMs = await writer.expired(PG_LARGE, config.pgExpired);
  log(`PostgreSQL: stored ${fmtInt(config.pgExpired)} expired sessions (${expiredMs} ms), pruning`);
  const prune = await timePrune(pg.url, PG_LARGE, { batchSize: config.pgPruneBatch });
  log(
    `PostgreSQL prune: ${prune.batches} batches, median ${prune.medianMs.toFixed(1)} ms, ` +
      `p95 ${prune.p95Ms.toFixed(1)} ms, ${fmtInt(Math.round(prune.rowsPerSecond))} rows/s`,
  );
  return summarizePostgres(rounds, logins, {
    fill,
    prune,
    server: pg.description,
    version: pg.version,
    loadAverage: { before: loadBefore, after: os.loadavg() },
    seconds: Math.round((Date.now() - started) / 1000),
  });
}

/** Medians over an app's rounds (the per-command figures of its last round). */
const stats = (rounds) => ({
  rps: median(rounds.map((r) => r.rps)),
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
  cpuPerRequestUs: median(rounds.map((r) => r.cpuPerRequestUs)),
  commandsPerRead: median(rounds.map((r) => r.commandsPerRead)),
  perCommand: rounds[rounds.length - 1].perCommand,
  non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  errors: rounds.reduce((sum, r) => sum + r.errors, 0),
});
/** Median over rounds of a/b, each round's a against the same round's b. */
const paired = (rounds, a, b, pick) =>
  median(rounds[a].map((r, i) => pick(r) / pick(rounds[b][i])));
const rps = (r) => r.rps;
const cpu = (r) => r.cpuPerRequestUs;
/** Every number rounded to 3 decimals. */
const clean = (o) =>
  JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'number' ? round(v, 3) : v)));

function summarize(small, scale, logins) {
  const read = {
    sample: stats(small.sample),
    baseline: stats(small.baseline),
    baselineHeaders: stats(small.baselineHeaders),
    libraryOnly: stats(small.libraryOnly),
  };
  const atScale = { small: stats(scale.sample), large: stats(scale.sampleLarge) };
  const throughputRatio = paired(small, 'sample', 'baseline', rps);
  const failures = [...Object.values(read), ...Object.values(atScale)].reduce(
    (sum, s) => sum + s.non2xx + s.errors,
    0,
  );
  // CPU time per request, baseline over sample: the throughput ratio a CPU-bound app would
  // reach without the noise of other processes on the machine.
  const cpuRatio = paired(small, 'baseline', 'sample', cpu);
  const throughputRatioHeaders = paired(small, 'sample', 'baselineHeaders', rps);
  const cpuRatioHeaders = paired(small, 'baselineHeaders', 'sample', cpu);
  const throughputRatioLibrary = paired(small, 'libraryOnly', 'baseline', rps);
  const cpuRatioLibrary = paired(small, 'baseline', 'libraryOnly', cpu);
  const readFactor = paired(scale, 'sample', 'sampleLarge', rps);
  const cpuFactor = paired(scale, 'sampleLarge', 'sample', cpu);
  const loginFactor = logins.sampleLarge.median / logins.sample.median;
  const commands = Math.max(read.sample.commandsPerRead, atScale.large.commandsPerRead);
  return {
    read: clean(read),
    scale: clean({ ...atScale, readFactor, cpuFactor, loginFactor, logins }),
    throughputRatio: round(throughputRatio, 3),
    cpuRatio: round(cpuRatio, 3),
    throughputRatioHeaders: round(throughputRatioHeaders, 3),
    cpuRatioHeaders: round(cpuRatioHeaders, 3),
    throughputRatioLibrary: round(throughputRatioLibrary, 3),
    cpuRatioLibrary: round(cpuRatioLibrary, 3),
    targets: {
      throughput: {
        target: `sample/baseline >= ${TARGETS.throughputRatio}`,
        value: round(throughputRatio, 3),
        // Failed requests (a 401 or 429 answers faster than a read) void the comparison.
        met: throughputRatio >= TARGETS.throughputRatio && failures === 0,
        ...(failures ? { note: `${failures} non-2xx or failed requests in the rounds` } : {}),
      },
      commands: {
        target: `Redis commands per read <= ${TARGETS.commandsPerRead}`,
        value: round(commands, 3),
        met: commands <= TARGETS.commandsPerRead,
      },
      loginScale: {
        target: `login median 1M/1k <= ${TARGETS.scaleFactor}`,
        value: round(loginFactor, 3),
        met: loginFactor <= TARGETS.scaleFactor,
      },
      readScale: {
        target: `read req/s 1k/1M <= ${TARGETS.scaleFactor}`,
        value: round(readFactor, 3),
        met: readFactor <= TARGETS.scaleFactor,
      },
    },
  };
}

/**
 * The ladder's figures: each app's medians, and the two ratios issue 17 sets, by req/s (paired
 * rounds) and by app CPU per request (the same ratio without the noise of the load generator).
 */
function summarizeLadder(rounds) {
  const read = Object.fromEntries(LADDER.map((name) => [name, stats(rounds[name])]));
  const failures = Object.values(read).reduce((sum, s) => sum + s.non2xx + s.errors, 0);
  const ratio = (a, b) => ({
    rps: round(paired(rounds, a, b, rps), 3),
    cpu: round(paired(rounds, b, a, cpu), 3),
  });
  const ratios = {
    fastifyOverHandWired: ratio('sampleFastify', 'fastifyBaseline'),
    fastifyOverExpress: ratio('sampleFastify', 'sample'),
    expressOverHandWired: ratio('sample', 'baseline'),
  };
  const target = (name, label) => ({
    target: `${label} >= ${TARGETS[name]} (req/s)`,
    value: ratios[name].rps,
    met: ratios[name].rps >= TARGETS[name] && failures === 0,
    note: `${ratios[name].cpu} by CPU per request${failures ? `; ${failures} failed requests` : ''}`,
  });
  return {
    read: clean(read),
    ratios,
    targets: {
      fastifyOverHandWired: target(
        'fastifyOverHandWired',
        'sample on Fastify / hand-wired Fastify',
      ),
      fastifyOverExpress: target('fastifyOverExpress', 'sample on Fastify / sample on Express'),
    },
  };
}

/** The PostgreSQL step's figures and targets (the rounds kept for latest.json). */
function summarizePostgres(rounds, logins, extra) {
  const read = {
    redis: stats(rounds.sample),
    postgres: stats(rounds.pgSample),
    postgresLarge: stats(rounds.pgLarge),
  };
  const throughputRatio = paired(rounds, 'pgSample', 'sample', rps);
  const cpuRatio = paired(rounds, 'sample', 'pgSample', cpu);
  const readFactor = paired(rounds, 'pgSample', 'pgLarge', rps);
  const loginFactor = logins.pgLarge.median / logins.pgSample.median;
  const loginFactorP95 = logins.pgLarge.p95 / logins.pgSample.p95;
  const queries = Math.max(read.postgres.commandsPerRead, read.postgresLarge.commandsPerRead);
  const failures = Object.values(read).reduce((sum, s) => sum + s.non2xx + s.errors, 0);
  return {
    ...clean({ ...extra, read, logins }),
    throughputRatio: round(throughputRatio, 3),
    cpuRatio: round(cpuRatio, 3),
    readFactor: round(readFactor, 3),
    loginFactor: round(loginFactor, 3),
    loginFactorP95: round(loginFactorP95, 3),
    targets: {
      queries: {
        target: `PostgreSQL queries per read <= ${TARGETS.queriesPerRead}`,
        value: round(queries, 3),
        met: queries <= TARGETS.queriesPerRead && failures === 0,
        ...(failures ? { note: `${failures} non-2xx or failed requests in the rounds` } : {}),
      },
      loginScale: {
        target: `PostgreSQL login median 1M/1k <= ${TARGETS.scaleFactor}`,
        value: round(loginFactor, 3),
        met: loginFactor <= TARGETS.scaleFactor,
      },
      loginScaleP95: {
        target: `PostgreSQL login p95 1M/1k <= ${TARGETS.scaleFactor}`,
        value: round(loginFactorP95, 3),
        met: loginFactorP95 <= TARGETS.scaleFactor,
      },
    },
    rounds,
  };
}

/** The Redis URL with the logical database `offset` past the one it names. */
function withDatabase(url, offset) {
  const parsed = new URL(url);
  parsed.pathname = `/${(Number(parsed.pathname.slice(1)) || 0) + offset}`;
  return parsed.toString();
}

const fmtInt = (n) => n.toLocaleString('en');

/**
 * Writes other users' sessions under the sample's prefix with the sample's TTL, pipelined, and
 * deletes them again at the end when the Redis is not the bench's own.
 */
async function otherSessionWriter(redis, sampleCookie) {
  const sid = sessionIdOf(sampleCookie);
  const key = sid && `${SAMPLE_PREFIX}${sid}`;
  const stored = key ? await redis.client.get(key) : null;
  const ttl = key ? await redis.client.ttl(key) : -1;
  const template = stored ? JSON.parse(stored) : syntheticSession();
  const now = Date.now();
  template.user = { id: '@@ID@@', email: '@@ID@@@example.com', roles: ['user'] };
  if (template.auth) {
    Object.assign(template.auth, {
      createdAt: now,
      authenticatedAt: now,
      lastActivityAt: now,
      ip: '203.0.113.7',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    });
  }
  const parts = JSON.stringify(template).split('@@ID@@');
  const expire = String(ttl > 0 ? ttl : 3600);
  const tag = crypto.randomBytes(6).toString('base64url'); // 8 characters
  const keyAt = (i) => `${SAMPLE_PREFIX}${tag}${String(i).padStart(24, '0')}`;
  const written = new Map(); // url -> sessions written there
  return {
    template: stored ? 'from the sample' : 'synthetic',
    /** Brings the other sessions in the database at `url` up to `total`. */
    async fill(url, total) {
      const from = written.get(url) ?? 0;
      const ms = await pipeline(url, total - from, (j) => {
        const id = `u-other-${from + j}`;
        return ['SET', keyAt(from + j), parts.join(id), 'EX', expire];
      });
      written.set(url, total);
      return ms;
    },
    async cleanup() {
      if (redis.private) return;
      for (const [url, count] of written) {
        await pipeline(url, count, (i) => ['UNLINK', keyAt(i)]);
      }
    },
  };
}

function syntheticSession() {
  return {
    cookie: storedSessionCookie(),
    auth: { rotatedAt: Date.now() },
    csrfToken: crypto.randomBytes(32).toString('base64url'),
  };
}

/** A CPU profile of each app under the same load, and its top self-time entries. */
async function profileApps(apps, names, sessions, keepSession, diffs) {
  const dir = path.join(RESULTS_DIR, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const out = {};
  for (const name of names) {
    await keepSession(name);
    const file = path.join(dir, `${name}.cpuprofile`);
    await apps[name].request({ type: 'profile-start', intervalUs: 200 }, 'profile-started');
    const { requests } = await load(apps[name].url, '/auth/me', sessions[name], {
      connections: config.connections,
      seconds: config.roundSeconds,
    });
    await apps[name].request({ type: 'profile-stop', file }, 'profile-stopped');
    out[name] = summarizeProfile(file, requests, 15);
    log(`profiled ${name}: ${path.relative(ROOT, file)}`);
  }
  for (const [label, a, b] of diffs) out[label] = diffProfiles(out[a], out[b], 15);
  return out;
}

function memoryStoreBench() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        path.join(__dirname, 'memory-store.js'),
        String(config.memorySessions),
        String(config.memorySessions),
        String(Math.round(config.memorySessions * 1.5)),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`memory-store bench failed (${code}): ${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

function describeMachine(redisVersion, postgresVersion) {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpu = match[1].trim();
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: os.cpus().length, // not availableParallelism(): the bench pins itself to fewer
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: redisVersion,
    ...(postgresVersion ? { postgres: postgresVersion } : {}),
    loadAverage: os.loadavg().map((n) => round(n, 2)),
  };
}

function ensureBuilt() {
  const missing = !fs.existsSync(SAMPLE_MAIN) || !fs.existsSync(LIBRARY_MAIN);
  if (!missing && process.env.BENCH_BUILD !== '1') {
    const built = fs.statSync(SAMPLE_MAIN).mtimeMs;
    const newer = newestSource([
      path.join(ROOT, 'libs/session/src'),
      path.join(ROOT, 'apps/sample/src'),
    ]);
    if (newer > built)
      log('warning: sources changed since the last build; run `npm run build` first');
    return;
  }
  log('building (npm run build)');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error('npm run build failed');
}

function newestSource(dirs) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        newest = Math.max(newest, fs.statSync(full).mtimeMs);
      }
    }
  };
  for (const dir of dirs) if (fs.existsSync(dir)) walk(dir);
  return newest;
}

async function runCleanups() {
  while (cleanups.length) {
    const cleanup = cleanups.pop();
    await withTimeout(Promise.resolve().then(cleanup), 10_000, 'cleanup').catch(() => {});
  }
}

let shuttingDown = false;
function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  runCleanups().finally(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] failed: ${err && err.stack ? err.stack : err}`);
    shutdown(1);
  },
);
