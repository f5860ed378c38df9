'use strict';

const net = require('node:net');
const { spawn } = require('node:child_process');
const { createClient } = require('redis');
const { freePort, sleep, withTimeout } = require('./util');

/**
 * The bench's Redis: a private `redis-server` on a free loopback port (nothing else writes to it,
 * so INFO commandstats deltas are ours alone), or the server at BENCH_REDIS_URL.
 */
async function openBenchRedis(externalUrl) {
  let server = null;
  let url = externalUrl;
  if (!url) {
    const port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory',
        '0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((_, reject) =>
      server.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) ${stderr.trim()}`)),
      ),
    );
    exited.catch(() => {});
    url = `redis://127.0.0.1:${port}`;
    await Promise.race([waitForPing(url), exited]);
  }
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  await withTimeout(client.connect(), 5000, `connect to ${url}`);
  const info = parseInfo(await client.info('server'));
  return {
    url,
    client,
    private: server !== null,
    /** The private redis-server's pid, or null. */
    pid: server ? server.pid : null,
    version: info.redis_version,
    async close() {
      await client.close().catch(() => client.destroy());
      if (server && server.exitCode === null) {
        const gone = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await Promise.race([gone, sleep(3000)]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
    },
  };
}

async function waitForPing(url) {
  const { port } = new URL(url);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not answer at ${url} within 10 s`);
}

function parseInfo(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** Calls per command from INFO commandstats, without the bench's own INFO calls. */
async function commandStats(client) {
  const info = parseInfo(await client.info('commandstats'));
  const calls = {};
  for (const [key, value] of Object.entries(info)) {
    if (!key.startsWith('cmdstat_')) continue;
    const name = key.slice('cmdstat_'.length);
    if (name === 'info') continue;
    const match = /calls=(\d+)/.exec(value);
    if (match) calls[name] = Number(match[1]);
  }
  return calls;
}

/** The per-command difference between two commandStats snapshots, and its total. */
function statsDelta(before, after) {
  const perCommand = {};
  let total = 0;
  for (const [name, calls] of Object.entries(after)) {
    const delta = calls - (before[name] ?? 0);
    if (delta > 0) {
      perCommand[name] = delta;
      total += delta;
    }
  }
  return { total, perCommand };
}

function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/**
 * Sends `count` commands made by `commandAt(i)` over one raw connection (to the database the URL
 * names), pipelined in batches
 * (the next batch goes out when the previous one's replies are in). Returns the elapsed ms.
 * Only for commands with one-line replies (SET, UNLINK, EXPIRE...): replies are counted by line.
 */
async function pipeline(url, count, commandAt, { batch = 10_000, timeoutMs = 120_000 } = {}) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port || 6379), hostname);
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const parsed = new URL(url);
  const prelude = [];
  if (parsed.password) {
    const password = decodeURIComponent(parsed.password);
    prelude.push(
      parsed.username
        ? ['AUTH', decodeURIComponent(parsed.username), password]
        : ['AUTH', password],
    );
  }
  const db = Number(parsed.pathname.slice(1)) || 0;
  if (db) prelude.push(['SELECT', String(db)]);
  const started = Date.now();
  let errors = 0;
  let firstError = '';
  let pending = 0;
  let wake = null;
  socket.on('data', (data) => {
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 10) pending--;
    }
    if (data[0] === 45 || data.includes('\n-')) {
      errors++;
      if (!firstError)
        firstError = data
          .toString()
          .split('\n')
          .find((l) => l.startsWith('-'));
    }
    if (pending <= 0 && wake) wake();
  });
  try {
    if (prelude.length) {
      pending += prelude.length;
      const ready = new Promise((resolve) => (wake = resolve));
      socket.write(prelude.map(encodeCommand).join(''));
      await withTimeout(ready, 5000, 'AUTH / SELECT');
      if (errors) throw new Error(`Redis refused AUTH / SELECT: ${firstError}`);
    }
    for (let from = 0; from < count; from += batch) {
      const to = Math.min(count, from + batch);
      const parts = [];
      for (let i = from; i < to; i++) parts.push(encodeCommand(commandAt(i)));
      pending += to - from;
      const done = new Promise((resolve) => (wake = resolve));
      socket.write(parts.join(''));
      await withTimeout(done, timeoutMs, 'pipelined insert');
      if (Date.now() - started > timeoutMs) throw new Error('pipelined insert took too long');
    }
  } finally {
    socket.destroy();
  }
  if (errors) throw new Error(`Redis refused pipelined commands: ${firstError}`);
  return Date.now() - started;
}

module.exports = { openBenchRedis, commandStats, statsDelta, pipeline, parseInfo };
