'use strict';

/*
 * `node bench/live-sockets.js`: what a session costs a Socket.IO message, and how fast an ended
 * session closes its sockets on another instance. Runs the built sample (npm run build first):
 *  1. per message: `whoami` acknowledgements on /live, one at a time and 50 in flight, on the
 *     memory store and on Redis, with the Redis commands each message sends;
 *  2. cross-instance: two samples on one Redis; a socket on B, logout on A; the time from the
 *     logout request to B's `session:ended` and to the disconnect.
 * Settings: BENCH_MESSAGES=5000, BENCH_DISCONNECT_ROUNDS=20, BENCH_REDIS_URL (else a private
 * redis-server).
 */
const path = require('node:path');
const { io } = require('socket.io-client');
const { startApp } = require('./lib/processes');
const { login } = require('./lib/http');
const { openBenchRedis, commandStats, statsDelta } = require('./lib/redis');
const { freePort, median, percentile, round } = require('./lib/util');

const ROOT = path.resolve(__dirname, '..');
const SAMPLE_MAIN = path.join(ROOT, 'dist/apps/sample/apps/sample/src/main.js');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const ROUNDS = Number(process.env.BENCH_DISCONNECT_ROUNDS ?? 20);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';

async function start(name, env) {
  const port = await freePort();
  return startApp({
    name,
    script: SAMPLE_MAIN,
    port,
    readyPath: '/health',
    env: {
      PORT: String(port),
      SESSION_SECRET: SECRET,
      NODE_ENV: 'development',
      REDIS_URL: '',
      ...env,
    },
    unset: ['DATABASE_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'],
  });
}

function connect(url, cookie) {
  const socket = io(`${url}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

async function perMessage(app, redis) {
  const { cookie } = await login(app.url);
  const socket = await connect(app.url, cookie);
  for (let i = 0; i < 200; i++) await socket.emitWithAck('whoami', {});
  const before = redis ? await commandStats(redis.client) : null;
  const latencies = [];
  const sequentialStart = process.hrtime.bigint();
  for (let i = 0; i < MESSAGES; i++) {
    const t = process.hrtime.bigint();
    await socket.emitWithAck('whoami', {});
    latencies.push(ms(t));
  }
  const sequentialMs = ms(sequentialStart);
  const commands = redis ? statsDelta(before, await commandStats(redis.client)) : null;
  const concurrentStart = process.hrtime.bigint();
  let sent = 0;
  const worker = async () => {
    while (sent < MESSAGES) {
      sent++;
      await socket.emitWithAck('whoami', {});
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const concurrentMs = ms(concurrentStart);
  socket.close();
  return {
    p50: round(median(latencies), 3),
    p99: round(percentile(latencies, 99), 3),
    sequentialPerSecond: Math.round((MESSAGES / sequentialMs) * 1000),
    concurrentPerSecond: Math.round((MESSAGES / concurrentMs) * 1000),
    redisCommandsPerMessage: commands
      ? Object.fromEntries(
          Object.entries(commands.perCommand).map(([k, v]) => [k, round(v / MESSAGES, 2)]),
        )
      : null,
  };
}

async function crossInstance(a, b) {
  const toEnded = [];
  const toDisconnect = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { cookie } = await login(a.url);
    const csrf = await fetch(`${a.url}/auth/csrf`, { headers: { cookie } }).then((r) => r.json());
    const socket = await connect(b.url, cookie);
    const ended = new Promise((resolve) =>
      socket.once('session:ended', () => resolve(process.hrtime.bigint())),
    );
    const gone = new Promise((resolve) =>
      socket.once('disconnect', () => resolve(process.hrtime.bigint())),
    );
    const t = process.hrtime.bigint();
    const res = await fetch(`${a.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf.csrfToken, 'content-type': 'application/json' },
    });
    if (res.status !== 204) throw new Error(`logout answered ${res.status}`);
    toEnded.push(Number((await ended) - t) / 1e6);
    toDisconnect.push(Number((await gone) - t) / 1e6);
    socket.close();
  }
  const stats = (values) => ({
    median: round(median(values), 2),
    p95: round(percentile(values, 95), 2),
    max: round(Math.max(...values), 2),
  });
  return { rounds: ROUNDS, sessionEndedMs: stats(toEnded), disconnectMs: stats(toDisconnect) };
}

async function main() {
  const redis = await openBenchRedis(process.env.BENCH_REDIS_URL);
  const prefix = `bench-live:${Date.now()}:`;
  const apps = [];
  try {
    const memory = await start('sample (memory)', {});
    apps.push(memory);
    const onRedis = await start('sample (Redis)', { REDIS_URL: redis.url, SESSION_PREFIX: prefix });
    apps.push(onRedis);
    const second = await start('sample (Redis, 2nd)', {
      REDIS_URL: redis.url,
      SESSION_PREFIX: prefix,
    });
    apps.push(second);
    const results = {
      messages: MESSAGES,
      memory: await perMessage(memory, null),
      redis: await perMessage(onRedis, redis),
      crossInstanceLogout: await crossInstance(onRedis, second),
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    for (const app of apps) await app.stop();
    await redis.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
