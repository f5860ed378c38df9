import { createHash } from 'node:crypto';
import type { OnModuleDestroy } from '@nestjs/common';
import { SessionErrors, type PostgresPoolLike } from 'nest-session-kit';
import type { AuthStateStore } from './auth-state.store';

const PRUNE_EVERY_MS = 60_000;
const expiresIn = (param: string) => `now() + ${param}::float8 * interval '1 millisecond'`;

/**
 * Login-flow state in PostgreSQL (the session backend's pool), shared by every instance: one row
 * per key with its count and the end of its window. Expired rows read as absent and are deleted
 * every minute.
 */
export class PostgresAuthStateStore implements AuthStateStore, OnModuleDestroy {
  private readonly table: string;
  private ready?: Promise<unknown>;
  private readonly pruner: NodeJS.Timeout;

  constructor(
    private readonly pool: PostgresPoolLike,
    schema: string,
  ) {
    this.table = `"${schema.replace(/"/g, '""')}".sample_auth_state`;
    this.pruner = setInterval(() => {
      this.query(`DELETE FROM ${this.table} WHERE expires_at <= now()`).catch(() => undefined);
    }, PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruner);
  }

  async hit(key: string, windowMs: number): Promise<number> {
    const { rows } = await this.query(
      `INSERT INTO ${this.table} AS t (key, count, expires_at) VALUES ($1, 1, ${expiresIn('$2')})
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN t.expires_at <= now() THEN 1 ELSE t.count + 1 END,
         expires_at = CASE WHEN t.expires_at <= now() THEN EXCLUDED.expires_at ELSE t.expires_at END
       RETURNING count`,
      [this.keyOf(key), windowMs],
    );
    return Number((rows[0] as { count: number }).count);
  }

  async undo(key: string): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET count = count - 1
       WHERE key = $1 AND count > 0 AND expires_at > now()`,
      [this.keyOf(key)],
    );
  }

  async restartWindow(key: string, windowMs: number): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET expires_at = ${expiresIn('$2')} WHERE key = $1 AND expires_at > now()`,
      [this.keyOf(key), windowMs],
    );
  }

  async remainingMs(key: string): Promise<number> {
    const { rows } = await this.query(
      `SELECT extract(epoch FROM expires_at - now()) * 1000 AS ms FROM ${this.table}
       WHERE key = $1 AND expires_at > now()`,
      [this.keyOf(key)],
    );
    return rows[0] ? Math.max(0, Math.ceil(Number((rows[0] as { ms: string }).ms))) : 0;
  }

  async reset(key: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table} WHERE key = $1`, [this.keyOf(key)]);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const { rowCount } = await this.query(
      `INSERT INTO ${this.table} AS t (key, count, expires_at) VALUES ($1, 1, ${expiresIn('$2')})
       ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = EXCLUDED.expires_at
       WHERE t.expires_at <= now()`,
      [this.keyOf(key), ttlMs],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Failures answer as the session store's do: 503 SESSION_STORE_UNAVAILABLE. */
  private async query(text: string, values: unknown[] = []) {
    try {
      this.ready ??= this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           key text COLLATE "C" PRIMARY KEY, count integer NOT NULL, expires_at timestamptz NOT NULL)`,
      );
      await this.ready.catch((err: unknown) => {
        this.ready = undefined;
        throw err;
      });
      return await this.pool.query(text, values);
    } catch {
      throw SessionErrors.storeUnavailable();
    }
  }

  /** Emails, IPs and user ids are hashed: the rows hold no personal data. */
  private keyOf(key: string): string {
    return createHash('sha256').update(key).digest('base64url');
  }
}
