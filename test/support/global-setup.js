// The e2e suites run against a real Redis and a real PostgreSQL: when one does not answer, they
// fail here, loudly. PostgreSQL gets a private database for the run.
const net = require('node:net');
const { createTestDatabase } = require('./postgres-database');

module.exports = async function globalSetup() {
  await createTestDatabase();
  const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const port = Number(url.port || 6379);
  const host = url.hostname || '127.0.0.1';
  await new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis did not answer at ${host}:${port} (start it, or set REDIS_URL)`));
    }, 3000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      clearTimeout(timer);
      socket.end();
      if (String(data).startsWith('+PONG') || String(data).startsWith('-NOAUTH')) resolve();
      else reject(new Error(`Unexpected Redis reply at ${host}:${port}: ${String(data).trim()}`));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Redis unreachable at ${host}:${port}: ${err.message}`));
    });
  });
};
