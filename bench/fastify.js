'use strict';

/*
 * `npm run bench:fastify`: which session engine for Nest on Fastify, on evidence. GET /auth/me
 * with a signed-in session on one private Redis, for
 *   sampleExpress     the sample app on Express (HTTP_ADAPTER=express, every default feature on)
 *   sampleFastify     the sample app on Fastify (HTTP_ADAPTER=fastify)
 *   libraryExpress    bench/library-only: the library alone on Express
 *   libraryFastify    bench/library-only with HTTP_ADAPTER=fastify: the library alone on Fastify
 *                     (express-session as Nest middleware through @fastify/middie)
 *   fastifySession    bench/fastify-baseline: hand-wired @fastify/cookie + @fastify/session on
 *                     connect-redis' store, no security checks
 *   expressSessionOnFastify  bench/baseline with HTTP_ADAPTER=fastify: hand-wired express-session
 *                     (the library's engine) on connect-redis, as middleware on Fastify, no library
 * in alternating rounds (medians), with the Redis commands each read costs (INFO commandstats).
 * Settings: BENCH_ROUNDS=8 BENCH_ROUND_SECONDS=3 BENCH_WARMUP_SECONDS=2 BENCH_CONNECTIONS=50
 * BENCH_PIN=0 (no CPU pinning), BENCH_APPS=a,b (a subset). Needs `npm run build`.
 */
const path = require('node:path');
const crypto = require('node:crypto');
const { openBenchRedis, commandStats, statsDelta } = require('./lib/redis');
const { startApp } = require('./lib/processes');
const { login, load } = require('./lib/http');
const { freePort, median, round, envInt } = require('./lib/util');
const { cpuPlan } = require('./lib/cpu-pinning');

const ROOT = path.resolve(__dirname, '..');
const SAMPLE_MAIN = path.join(ROOT, 'dist/apps/sample/apps/sample/src/main.js');
const LIBRARY_ONLY = path.join(__dirname, 'library-only/main.js');
const BASELINE = path.join(__dirname, 'baseline/main.js');
const config = {
  rounds: envInt('BENCH_ROUNDS', 8),
  seconds: envInt('BENCH_ROUND_SECONDS', 3),
  warmup: envInt('BENCH_WARMUP_SECONDS', 2),
  connections: envInt('BENCH_CONNECTIONS', 50),
};
const SPECS = {
  sampleExpress: { script: SAMPLE_MAIN, readyPath: '/health', env: { HTTP_ADAPTER: 'express' } },
  sampleFastify: { script: SAMPLE_MAIN, readyPath: '/health', env: { HTTP_ADAPTER: 'fastify' } },
  libraryExpress: { script: LIBRARY_ONLY, env: { HTTP_ADAPTER: 'express' } },
  libraryFastify: { script: LIBRARY_ONLY, env: { HTTP_ADAPTER: 'fastify' } },
  fastifySession: { script: path.join(__dirname, 'fastify-baseline/main.js') },
  expressSessionOnFastify: { script: BASELINE, env: { HTTP_ADAPTER: 'fastify' } },
};
const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  const names = process.env.BENCH_APPS ? process.env.BENCH_APPS.split(',') : Object.keys(SPECS);
  const cpus = cpuPlan();
  const redis = await openBenchRedis();
  if (redis.pid) cpus.pinLoad(redis.pid);
  cpus.pinLoad(process.pid);
  const secret = crypto.randomBytes(24).toString('base64url');
  const apps = {};
  const cookies = {};
  try {
    for (const name of names) {
      const spec = SPECS[name];
      const port = await freePort();
      apps[name] = await startApp({
        name,
        script: spec.script,
        env: { REDIS_URL: redis.url, SESSION_SECRET: secret, ...spec.env, PORT: String(port) },
        unset: ['NODE_ENV', 'SESSION_NAME', 'SESSION_PREFIX', 'DATABASE_URL'],
        port,
        readyPath: spec.readyPath,
      });
      cpus.pinApp(apps[name].child.pid);
      cookies[name] = (await login(apps[name].url)).cookie;
      await load(apps[name].url, '/auth/me', cookies[name], {
        connections: config.connections,
        seconds: config.warmup,
      });
      log(`${name} on :${port}`);
    }
    const results = Object.fromEntries(names.map((name) => [name, []]));
    for (let r = 0; r < config.rounds; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) {
        const before = await commandStats(redis.client);
        const run = await load(apps[name].url, '/auth/me', cookies[name], {
          connections: config.connections,
          seconds: config.seconds,
        });
        const delta = statsDelta(before, await commandStats(redis.client));
        if (run.non2xx > 0 || run.errors > 0) {
          throw new Error(`${name}: ${run.non2xx} non-2xx, ${run.errors} errors`);
        }
        results[name].push({ ...run, perRead: delta.total / run.requests, delta });
      }
      log(`round ${r + 1}/${config.rounds}`);
    }
    console.log(
      `GET /auth/me, ${config.connections} connections, medians of ${config.rounds} ` +
        `alternating rounds of ${config.seconds} s; ${cpus.description}\n`,
    );
    console.log('| app | req/s | p50 ms | p99 ms | Redis cmds/read | per read |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const name of names) {
      const rows = results[name];
      const commands = {};
      for (const row of rows)
        for (const [cmd, n] of Object.entries(row.delta.perCommand))
          commands[cmd] = (commands[cmd] ?? 0) + n;
      const requests = rows.reduce((sum, row) => sum + row.requests, 0);
      const per = Object.entries(commands)
        .map(([cmd, n]) => `${cmd} ${round(n / requests, 3)}`)
        .join(', ');
      console.log(
        `| ${name} | ${Math.round(median(rows.map((x) => x.rps)))} | ` +
          `${median(rows.map((x) => x.p50))} | ${median(rows.map((x) => x.p99))} | ` +
          `${round(median(rows.map((x) => x.perRead)), 3)} | ${per} |`,
      );
    }
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.stop()));
    await redis.close?.();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(err.stack || String(err));
    process.exit(1);
  },
);
