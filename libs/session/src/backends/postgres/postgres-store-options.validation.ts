import type { OptionProblems } from '../../session-options.problems';

/** What PostgreSQL accepts as an identifier without quoting tricks: letters, digits, `_`, `$`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** PostgreSQL truncates identifiers past 63 bytes; the longest suffix the tables add is 14. */
const MAX_TABLE_NAME = 63 - '_daily_counts'.length - 1;

/**
 * How a `{ type: 'postgres' }` store connects (exactly one of connectionString and pool), where
 * its tables live (plain identifiers, so no name is ever spliced into SQL unchecked) and its
 * numbers. Adds a problem per invalid option.
 */
export function validatePostgresStore(
  problems: OptionProblems,
  store: Record<string, unknown>,
): void {
  const { connectionString, pool, schema, table, createTables, prune } = store;
  const given = ['connectionString', 'pool'].filter((key) => store[key] != null);
  if (given.length === 0) {
    problems.add('store', 'a PostgreSQL store needs a connectionString or a pool');
  }
  if (given.length > 1) {
    problems.add('store.pool', 'give one of connectionString and pool, not both');
  }
  if (
    connectionString != null &&
    (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString))
  ) {
    problems.add('store.connectionString', 'must be a postgres:// or postgresql:// URL');
  }
  if (pool != null && typeof (pool as { query?: unknown }).query !== 'function') {
    problems.add('store.pool', 'must be a node-postgres Pool (an object with query and connect)');
  }
  if (schema !== undefined) identifier(problems, 'store.schema', schema, 63);
  if (table !== undefined) identifier(problems, 'store.table', table, MAX_TABLE_NAME);
  if (createTables !== undefined) problems.boolean('store.createTables', createTables);
  for (const key of ['poolSize', 'connectTimeout', 'commandTimeout'] as const) {
    if (store[key] !== undefined) problems.positiveInteger(`store.${key}`, store[key]);
  }
  if (prune !== undefined && prune !== false) validatePrune(problems, prune);
}

function validatePrune(problems: OptionProblems, prune: unknown): void {
  if (!prune || typeof prune !== 'object' || Array.isArray(prune)) {
    problems.add('store.prune', 'must be { interval?, batchSize? } or false');
    return;
  }
  const { interval, batchSize } = prune as Record<string, unknown>;
  if (interval !== undefined) problems.positiveInteger('store.prune.interval', interval);
  if (batchSize !== undefined) problems.positiveInteger('store.prune.batchSize', batchSize);
}

function identifier(problems: OptionProblems, option: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || value.length > max) {
    problems.add(
      option,
      `must be a plain SQL identifier (letters, digits and _, at most ${max} characters)`,
    );
  }
}
