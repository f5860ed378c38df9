import type { Logger } from '@nestjs/common';
import { SessionConfigurationError } from '../../errors';
import { loadOptionalDependency } from '../../optional-dependency';
import type { PostgresPoolLike, PostgresStoreOptions } from '../../session.options';
import { withTimeout } from '../with-timeout';
import { maskUrlPassword } from '../mask-url';

export interface ConnectPostgresOptions {
  connectTimeout: number;
  commandTimeout: number;
  logger: Logger;
}

const DEFAULT_POOL_SIZE = 10;
const LOG_EVERY_MS = 5000;

/**
 * The pool the store runs on: the one passed in, or one the module creates from the connection
 * string, whose connection wait and queries are bounded by the command timeout. Either way one
 * query must answer within the connect timeout, or start-up fails naming the option.
 */
export async function connectPostgres(
  config: PostgresStoreOptions,
  options: ConnectPostgresOptions,
): Promise<PostgresPoolLike> {
  const pool = config.pool ?? (await createPool(config, options));
  const option = config.pool ? 'store.pool' : 'store.connectionString';
  const where = config.pool
    ? 'PostgreSQL (the pool passed in)'
    : `PostgreSQL at ${maskUrlPassword(config.connectionString as string)}`;
  try {
    await withTimeout(pool.query('SELECT 1'), options.connectTimeout, 'PostgreSQL connect');
    return pool;
  } catch (err) {
    if (!config.pool) await pool.end().catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new SessionConfigurationError(
      option,
      `${where} is unreachable within ${options.connectTimeout} ms: ${maskSecrets(reason, config)}`,
    );
  }
}

async function createPool(
  config: PostgresStoreOptions,
  options: ConnectPostgresOptions,
): Promise<PostgresPoolLike> {
  const pg = await loadOptionalDependency<typeof import('pg')>('pg', 'the PostgreSQL store');
  const Pool = pg.Pool ?? (pg as unknown as { default: typeof import('pg') }).default.Pool;
  const pool = new Pool({
    connectionString: config.connectionString,
    max: config.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.commandTimeout,
    query_timeout: options.commandTimeout,
    // The server cancels a statement the app stopped waiting for, so a write answered with 503
    // does not land later.
    statement_timeout: options.commandTimeout,
    idleTimeoutMillis: 30_000,
    application_name: 'nest-session-kit',
  });
  let lastLogged = 0;
  // An idle connection the server dropped (a restart) is reported here; without a listener it
  // would crash the process. The pool replaces it at the next query.
  pool.on('error', (err: Error) => {
    if (Date.now() - lastLogged < LOG_EVERY_MS) return;
    lastLogged = Date.now();
    options.logger.warn(`PostgreSQL connection lost: ${err.message}`);
  });
  return pool as unknown as PostgresPoolLike;
}

function maskSecrets(text: string, config: PostgresStoreOptions): string {
  const password = config.connectionString ? safePassword(config.connectionString) : '';
  return password ? text.split(password).join('***') : text;
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
