import { quoteIdentifier } from './postgres-queries';

/** The tables of one PostgreSQL backend, as qualified, quoted names ready for SQL. */
export interface PostgresTables {
  schema: string;
  /** The sessions table's own name, unquoted (messages name it). */
  name: string;
  sessions: string;
  /** The per-user index: one row per user and session handle. */
  users: string;
  /** Daily counters: sessions started, logins, duration buckets, countries. */
  dailyCounts: string;
  /** The users active each day, by a hash of their id (exact distinct counts). */
  dailyUsers: string;
  /** The sessions active now, by a hash, with their last activity. */
  active: string;
  /** A name for an index of the sessions table, with this suffix. */
  indexName(suffix: string): string;
}

export const DEFAULT_POSTGRES_SCHEMA = 'public';
export const DEFAULT_POSTGRES_TABLE = 'sessions';

export function postgresTables(
  schema = DEFAULT_POSTGRES_SCHEMA,
  table = DEFAULT_POSTGRES_TABLE,
): PostgresTables {
  const qualified = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  return {
    schema,
    name: table,
    sessions: qualified(table),
    users: qualified(`${table}_users`),
    dailyCounts: qualified(`${table}_daily_counts`),
    dailyUsers: qualified(`${table}_daily_users`),
    active: qualified(`${table}_active`),
    indexName: (suffix) => quoteIdentifier(`${table}_${suffix}`),
  };
}
