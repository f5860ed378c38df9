import {
  parseEntry,
  type RegistryEntry,
  type SessionRegistryBackend,
} from '../session-registry.backend';
import type { PostgresQueries } from './postgres-queries';
import type { PostgresTables } from './postgres-tables';

/**
 * The per-user index as rows keyed by (user id, handle): every operation is an index lookup on
 * one user's rows, never a scan. Each row expires by itself (the pruner deletes it) once its
 * session could no longer be alive.
 */
export class PostgresRegistryBackend implements SessionRegistryBackend {
  private readonly table: string;

  constructor(
    private readonly queries: PostgresQueries,
    tables: PostgresTables,
    private readonly ttlSeconds: number,
  ) {
    this.table = tables.users;
  }

  async put(userId: string, entry: RegistryEntry): Promise<number> {
    const { rows } = await this.queries.query<{ count: string }>(
      `WITH put AS (
         INSERT INTO ${this.table} AS t (user_id, handle, entry, expires_at)
         VALUES ($1, $2, $3::jsonb, now() + $4::float8 * interval '1 second')
         ON CONFLICT (user_id, handle)
         DO UPDATE SET entry = EXCLUDED.entry, expires_at = EXCLUDED.expires_at
       )
       SELECT count(*) + 1 AS count FROM ${this.table}
       WHERE user_id = $1 AND handle <> $2 AND expires_at > now()`,
      [userId, entry.handle, JSON.stringify(entry), this.ttlSeconds],
    );
    return Number(rows[0].count);
  }

  async entries(userId: string): Promise<RegistryEntry[]> {
    const { rows } = await this.queries.query<{ entry: string }>(
      `SELECT entry::text AS entry FROM ${this.table} WHERE user_id = $1 AND expires_at > now()`,
      [userId],
    );
    return rows.map((row) => parseEntry(row.entry)).filter((e): e is RegistryEntry => e !== null);
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    if (handles.length === 0) return;
    await this.queries.query(
      `DELETE FROM ${this.table} WHERE user_id = $1 AND handle = ANY($2::text[])`,
      [userId, handles],
    );
  }
}
