/**
 * Run as `node callback-probe.js <built library index.js> <memory|redis> [redis url]`: calls
 * every store method with a callback that throws, and prints what became of the throws as JSON.
 * A callback run inside a promise chain turns its throw into an unhandled rejection (a process
 * exit under Node's defaults); run on its own tick, the throw is an uncaught exception, as with
 * any callback API. A separate process, so that the test runner's own handlers stay out of it.
 */
const [libraryIndex, kind, redisUrl] = process.argv.slice(2);
const library = require(libraryIndex);

const report = { calls: {}, uncaught: 0, unhandled: 0 };
process.on('uncaughtException', (err) => {
  if (err && err.message === 'thrown by the callback') report.uncaught += 1;
  else throw err;
});
process.on('unhandledRejection', () => {
  report.unhandled += 1;
});

async function main() {
  let store;
  let client;
  if (kind === 'redis') {
    const { createClient } = require('redis');
    client = createClient({ url: redisUrl });
    await client.connect();
    store = new library.RedisSessionStore({
      client,
      prefix: `probe:${process.pid}:`,
      ttlSeconds: 60,
    });
  } else {
    store = new library.MemorySessionStore({ maxSessions: 10, ttlSeconds: 60 });
  }
  const session = {
    cookie: {
      originalMaxAge: 60000,
      expires: new Date(Date.now() + 60000).toISOString(),
      httpOnly: true,
      path: '/',
    },
    n: 1,
  };
  await store.set('probe', session);
  const throwing = (name) => () => {
    report.calls[name] = (report.calls[name] ?? 0) + 1;
    throw new Error('thrown by the callback');
  };
  store.get('probe', throwing('get'));
  store.get('missing', throwing('get missing'));
  store.set('probe', session, throwing('set'));
  store.touch('probe', session, throwing('touch'));
  store.all(throwing('all'));
  store.length(throwing('length'));
  store.ids(throwing('ids'));
  store.destroy('other', throwing('destroy'));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await store.clear();
  if (client) await client.close();
  if (store.close) store.close();
  process.stdout.write(JSON.stringify(report));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack));
  process.exit(2);
});
