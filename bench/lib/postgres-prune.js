'use strict';

const path = require('node:path');
const { Pool } = require('pg');
const { median, percentile } = require('./util');

const POSTGRES_DIST = path.resolve(__dirname, '../../libs/session/dist/backends/postgres');

/**
 * Times the library's own pruner (`PostgresPruner` from the build) over the tables of `schema`:
 * each batch is one transaction of its `PostgresQueries` (advisory lock, then the batched DELETE),
 * so timing `transaction()` times each batch, BEGIN to COMMIT. Passes run until a pass deletes
 * no session row. Only the sessions table's batches count; the other tables' are left out.
 */
async function timePrune(url, schema, { batchSize, activeWindowMs = 30 * 60_000 }) {
  const { PostgresPruner } = require(path.join(POSTGRES_DIST, 'postgres-pruner.js'));
  const { PostgresQueries } = require(path.join(POSTGRES_DIST, 'postgres-queries.js'));
  const { postgresTables } = require(path.join(POSTGRES_DIST, 'postgres-tables.js'));
  const { DEFAULT_COMMAND_TIMEOUT_MS } = require(path.join(POSTGRES_DIST, '../store-error.js'));
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const tables = postgresTables(schema);
  // The library's command timeout: a batch slower than that would fail in an app too.
  const queries = new PostgresQueries(pool, DEFAULT_COMMAND_TIMEOUT_MS);
  const batches = [];
  const transaction = queries.transaction.bind(queries);
  queries.transaction = async (work) => {
    let table = null;
    const started = process.hrtime.bigint();
    const result = await transaction((query) =>
      work((text, values) => {
        const match = /^DELETE FROM (\S+)/.exec(text);
        if (match) table = match[1];
        return query(text, values);
      }),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (table === tables.sessions && typeof result === 'number') batches.push({ ms, rows: result });
    return result;
  };
  const pruner = new PostgresPruner(queries, tables, {
    intervalMs: 60_000,
    batchSize,
    activeWindowMs,
  });
  const started = Date.now();
  let passes = 0;
  try {
    for (;;) {
      passes++;
      const result = await pruner.prune();
      if (result.skipped) throw new Error('the prune lock was held by someone else');
      if (!result.deleted[tables.name]) break;
    }
  } finally {
    await pool.end().catch(() => {});
  }
  const wallMs = Date.now() - started;
  const full = batches.filter((b) => b.rows === batchSize);
  const times = full.map((b) => b.ms);
  const rows = batches.reduce((sum, b) => sum + b.rows, 0);
  const batchMs = batches.reduce((sum, b) => sum + b.ms, 0);
  return {
    batchSize,
    passes,
    batches: batches.length,
    fullBatches: full.length,
    rows,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
    maxMs: Math.max(...times),
    firstMs: times[0],
    lastMs: times[times.length - 1],
    rowsPerSecond: batchMs ? (rows / batchMs) * 1000 : NaN,
    wallMs,
  };
}

module.exports = { timePrune };
