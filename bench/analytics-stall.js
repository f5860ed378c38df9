'use strict';

/*
 * Login latency with the analytics backend stalled: the library-only app (bench/library-only) on
 * a private Redis, started twice, once as it is and once with an analytics backend whose records
 * never answer (BENCH_ANALYTICS=stalled). Logins take turns between the two; prints the median
 * and p99 of each. Analytics records are fire-and-forget, so the two should match; a login that
 * waited for analytics would take the command timeout (2 s) or hang.
 *
 * Usage: node bench/analytics-stall.js (after npm run build). BENCH_LOGINS (100).
 */
const path = require('node:path');
const { openBenchRedis } = require('./lib/redis');
const { startApp } = require('./lib/processes');
const { login } = require('./lib/http');
const { freePort, median, percentile, round } = require('./lib/util');

const LOGINS = Number(process.env.BENCH_LOGINS || 100);
const SCRIPT = path.join(__dirname, 'library-only/main.js');

async function main() {
  const redis = await openBenchRedis(process.env.BENCH_REDIS_URL);
  const secret = 'analytics-stall-bench-secret-of-32-chars!';
  const apps = {};
  try {
    for (const [name, analytics] of [
      ['analytics answering', ''],
      ['analytics stalled', 'stalled'],
    ]) {
      const port = await freePort();
      apps[name] = await startApp({
        name,
        script: SCRIPT,
        port,
        env: {
          PORT: String(port),
          REDIS_URL: redis.url,
          SESSION_SECRET: secret,
          BENCH_ANALYTICS: analytics,
        },
      });
    }
    const times = Object.fromEntries(Object.keys(apps).map((name) => [name, []]));
    for (let i = 0; i < LOGINS; i++) {
      for (const [name, app] of Object.entries(apps)) times[name].push((await login(app.url)).ms);
    }
    const result = {};
    for (const [name, values] of Object.entries(times)) {
      result[name] = {
        logins: values.length,
        medianMs: round(median(values), 1),
        p99Ms: round(percentile(values, 99), 1),
        maxMs: round(Math.max(...values), 1),
      };
    }
    console.table(result);
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.stop()));
    await redis.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
