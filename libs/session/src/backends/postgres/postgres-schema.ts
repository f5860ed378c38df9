import { SessionConfigurationError } from '../../errors';
import { quoteIdentifier, type PostgresQueries } from './postgres-queries';
import { postgresTables, type PostgresTables } from './postgres-tables';

/** Where the tables go: the store's `schema` and `table` options. */
export interface PostgresSchemaNames {
  /** @default 'public' */
  schema?: string;
  /** @default 'sessions' */
  table?: string;
}

/** Serialises the schema creation of instances starting together (CREATE IF NOT EXISTS can race). */
const SCHEMA_LOCK_KEY = 0x6e736b01;

/**
 * The SQL that creates the PostgreSQL backend's tables and indexes, for a migration tool (the
 * module runs the same statements at start-up unless `createTables: false`). Every statement is
 * idempotent. The schema itself must exist (`public` always does; at start-up the module creates
 * a missing one).
 */
export function postgresSchemaSql(names: PostgresSchemaNames = {}): string {
  return schemaStatements(postgresTables(names.schema, names.table)).join(';\n\n') + ';\n';
}

function schemaStatements(t: PostgresTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.sessions} (
  session_key text COLLATE "C" PRIMARY KEY,
  sess jsonb NOT NULL,
  expires_at timestamptz NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS ${t.indexName('expires_at_idx')} ON ${t.sessions} (expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.users} (
  user_id text COLLATE "C" NOT NULL,
  handle text COLLATE "C" NOT NULL,
  entry jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, handle)
)`,
    `CREATE INDEX IF NOT EXISTS ${t.indexName('users_expires_at_idx')} ON ${t.users} (expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.dailyCounts} (
  day date NOT NULL,
  figure text COLLATE "C" NOT NULL,
  item text COLLATE "C" NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (day, figure, item)
)`,
    `CREATE TABLE IF NOT EXISTS ${t.dailyUsers} (
  day date NOT NULL,
  user_hash text COLLATE "C" NOT NULL,
  PRIMARY KEY (day, user_hash)
)`,
    `CREATE TABLE IF NOT EXISTS ${t.active} (
  member text COLLATE "C" PRIMARY KEY,
  last_seen timestamptz NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS ${t.indexName('active_last_seen_idx')} ON ${t.active} (last_seen)`,
  ];
}

/** The unqualified names of the backend's tables. */
function tableNames(t: PostgresTables): string[] {
  return ['', '_users', '_daily_counts', '_daily_users', '_active'].map(
    (suffix) => t.name + suffix,
  );
}

/**
 * Makes sure the tables exist at start-up: created with their schema (in one transaction, under
 * an advisory lock) when `create` allows it, otherwise a SessionConfigurationError naming the missing table and the
 * option that would create it.
 */
export async function ensurePostgresSchema(
  queries: PostgresQueries,
  t: PostgresTables,
  create: boolean,
): Promise<void> {
  const missing = await missingTables(queries, t);
  if (missing.length === 0) return;
  if (!create) {
    throw new SessionConfigurationError(
      'store.createTables',
      `the table ${t.schema}.${missing[0]} does not exist: create it with postgresSchemaSql() ` +
        'in a migration, or set createTables: true',
    );
  }
  await queries.transaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    const schema = await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [t.schema]);
    if (schema.rowCount === 0)
      await query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(t.schema)}`);
    for (const statement of schemaStatements(t)) await query(statement);
  });
}

async function missingTables(queries: PostgresQueries, t: PostgresTables): Promise<string[]> {
  const names = tableNames(t);
  const { rows } = await queries.query<{ name: string; found: string | null }>(
    'SELECT name, to_regclass(format($2::text, $1::text, name)) AS found FROM unnest($3::text[]) AS name',
    [t.schema, '%I.%I', names],
  );
  return rows.filter((row) => row.found === null).map((row) => row.name);
}
