'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { Client } = require('pg');
const { freePort, sleep, withTimeout } = require('./util');

const PG_BIN = process.env.BENCH_PG_BIN || '/usr/lib/postgresql/15/bin';

/**
 * The bench's PostgreSQL: a private cluster (`initdb` and `postgres` from BENCH_PG_BIN) in a
 * temporary directory, on a free loopback port, with the server's default settings but
 * `pg_stat_statements` preloaded, so that its per-statement call counts are exact and ours
 * alone (nothing else connects to it). As root, the cluster runs as the `postgres` user
 * (initdb refuses root). One database, `bench_pg_<random>`, holds the apps' schemas.
 */
async function openBenchPostgres() {
  const owner = clusterOwner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  const data = path.join(dir, 'data');
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  const init = spawnSync(
    path.join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...asOwner, encoding: 'utf8', timeout: 60_000 },
  );
  if (init.status !== 0) {
    removeDir();
    throw new Error(`initdb failed (${init.status}): ${(init.stderr || init.error || '').trim()}`);
  }
  const port = await freePort();
  const server = spawn(
    path.join(PG_BIN, 'postgres'),
    [
      '-D',
      data,
      '-c',
      `port=${port}`,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      // The 1M-row fill writes about 1 GiB of WAL: no checkpoint in the middle of the rounds.
      '-c',
      'max_wal_size=4GB',
    ],
    { ...asOwner, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((_, reject) =>
    server.once('exit', (code) => reject(new Error(`postgres exited (${code}) ${stderr.trim()}`))),
  );
  exited.catch(() => {});
  const rootUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const gone = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT'); // fast shutdown
      await Promise.race([gone, sleep(10_000)]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    removeDir();
  };
  let client;
  try {
    await Promise.race([waitForConnect(rootUrl), exited]);
    const name = `bench_pg_${Math.random().toString(36).slice(2, 10)}`;
    const root = new Client({ connectionString: rootUrl });
    await root.connect();
    await root.query(`CREATE DATABASE ${name}`);
    await root.end();
    const url = `postgres://postgres@127.0.0.1:${port}/${name}`;
    client = new Client({ connectionString: url, application_name: 'bench' });
    client.on('error', () => {});
    await client.connect();
    await client.query('CREATE EXTENSION pg_stat_statements');
    const { rows } = await client.query('SHOW server_version');
    return {
      url,
      database: name,
      client,
      pid: server.pid,
      version: rows[0].server_version,
      description: `private cluster (initdb in ${os.tmpdir()}, port ${port}, pg_stat_statements)`,
      async close() {
        await client.end().catch(() => {});
        await stop();
      },
    };
  } catch (err) {
    await client?.end().catch(() => {});
    await stop();
    throw err;
  }
}

/** The `postgres` user's ids when this process is root (initdb will not run as root), or null. */
function clusterOwner() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root and there is no postgres user to run the private cluster');
  }
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

async function waitForConnect(url) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await withTimeout(client.connect(), 2000, 'postgres connect');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await sleep(100);
    }
  }
  throw new Error(`postgres did not accept connections at ${url} within 20 s`);
}

/**
 * Calls per top-level statement in the bench database so far (pg_stat_statements, keyed by
 * query id), without the bench's own statements about the statistics.
 */
async function statementStats(client) {
  const { rows } = await client.query(
    `SELECT s.queryid::text AS id, s.calls::float8 AS calls, s.query
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%'`,
  );
  return new Map(rows.map((row) => [row.id, { calls: row.calls, query: row.query }]));
}

/** The per-statement difference between two statementStats snapshots, and its total. */
function statementsDelta(before, after) {
  const perStatement = {};
  let total = 0;
  for (const [id, { calls, query }] of after) {
    const delta = calls - (before.get(id)?.calls ?? 0);
    if (delta > 0) {
      const label = statementLabel(query);
      perStatement[label] = (perStatement[label] ?? 0) + delta;
      total += delta;
    }
  }
  return { total, perCommand: perStatement };
}

/** A short name for a statement: its first words, the schema-qualified names unqualified. */
function statementLabel(query) {
  const text = query
    .replace(/\s+/g, ' ')
    .replace(/"[^"]+"\."([^"]+)"/g, '$1')
    .trim();
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

module.exports = { openBenchPostgres, statementStats, statementsDelta, statementLabel };
