import { Logger } from '@nestjs/common';
import { utcDayOf } from '../../analytics/analytics-days';
import type { PostgresStoreOptions, ResolvedSessionOptions } from '../../session.options';
import type { SessionBackend } from '../backend';
import { analyticsActiveWindowMs, registryLifetimeSeconds } from '../backend-lifetimes';
import { probeHealth } from '../probe-health';
import { MergingStoreAccess } from '../store-access';
import { DEFAULT_COMMAND_TIMEOUT_MS, toSessionStoreError } from '../store-error';
import { PostgresAnalyticsBackend } from './postgres-analytics.backend';
import { connectPostgres } from './postgres-connection';
import { PostgresPruner } from './postgres-pruner';
import { PostgresQueries } from './postgres-queries';
import { PostgresRegistryBackend } from './postgres-registry.backend';
import { ensurePostgresSchema } from './postgres-schema';
import { PostgresSessionStore } from './postgres-session.store';
import { postgresTables } from './postgres-tables';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_PRUNE_INTERVAL_MS = 60_000;
const DEFAULT_PRUNE_BATCH = 1000;

/**
 * PostgreSQL for everything: sessions, the per-user index and the analytics in tables shared by
 * every instance, pruned by one instance at a time. A pool the backend created is ended at
 * shutdown; a pool passed in stays its owner's.
 */
export async function createPostgresBackend(
  config: PostgresStoreOptions,
  options: ResolvedSessionOptions,
): Promise<SessionBackend> {
  const logger = new Logger('SessionModule');
  const commandTimeoutMs = config.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const pool = await connectPostgres(config, {
    connectTimeout: config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: commandTimeoutMs,
    logger,
  });
  const owns = !config.pool;
  const queries = new PostgresQueries(pool, commandTimeoutMs);
  const tables = postgresTables(config.schema, config.table);
  try {
    await ensurePostgresSchema(queries, tables, config.createTables ?? true);
  } catch (err) {
    if (owns) await pool.end().catch(() => undefined);
    throw err;
  }
  const store = new PostgresSessionStore({
    pool,
    schema: config.schema,
    table: config.table,
    ttlSeconds: options.storeTtlSeconds,
    commandTimeout: commandTimeoutMs,
  });
  const activeWindowMs = analyticsActiveWindowMs(options);
  const pruner =
    config.prune === false
      ? undefined
      : new PostgresPruner(queries, tables, {
          intervalMs: config.prune?.interval ?? DEFAULT_PRUNE_INTERVAL_MS,
          batchSize: config.prune?.batchSize ?? DEFAULT_PRUNE_BATCH,
          activeWindowMs,
        });
  pruner?.start();
  return {
    kind: 'postgres',
    store,
    access: new MergingStoreAccess(store),
    registry: new PostgresRegistryBackend(queries, tables, registryLifetimeSeconds(options)),
    analytics: new PostgresAnalyticsBackend(queries, tables, activeWindowMs, utcDayOf),
    shared: true,
    commandTimeoutMs,
    postgresPool: pool,
    health: (timeoutMs) => probeHealth(() => queries.query('SELECT 1'), timeoutMs),
    toStoreError: (err, action) => toSessionStoreError(action, err),
    close: async () => {
      await pruner?.stop();
      if (owns) await pool.end().catch(() => undefined);
    },
  };
}
