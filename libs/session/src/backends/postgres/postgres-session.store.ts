import { MergingStore, type SwapResult, type WriteExpiry } from '../merging.store';
import type { PostgresPoolLike } from '../../session.options';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../store-error';
import { PostgresQueries } from './postgres-queries';
import { postgresTables } from './postgres-tables';

export interface PostgresSessionStoreOptions {
  /** A node-postgres Pool; its tables must exist (`postgresSchemaSql()`). */
  pool: PostgresPoolLike;
  /** @default 'public' */
  schema?: string;
  /** @default 'sessions' */
  table?: string;
  ttlSeconds: number;
  /** @default 2000 */
  commandTimeout?: number;
}

/** How much shorter than asked a read may leave the expiry before it is moved again, in ms. */
const TTL_TOLERANCE_MS = 1000;

/**
 * What jsonb refuses: U+0000 and lone surrogates, which JSON.stringify writes as these escapes
 * (it writes every other character as itself or a short escape).
 */
const JSONB_REFUSES = /\\u(0000|d[89a-f][0-9a-f]{2})/i;

/**
 * The document stored for a session's JSON: the JSON itself, or, when it holds what jsonb
 * refuses, its text as a jsonb string (lossless; read back by `fromStored`).
 */
export function toStored(raw: string): string {
  return JSONB_REFUSES.test(raw) ? JSON.stringify(raw) : raw;
}

/** A session's JSON from the stored document's text. */
export function fromStored(text: string): string {
  if (!text.startsWith('"')) return text;
  const inner: unknown = JSON.parse(text);
  return typeof inner === 'string' ? inner : text;
}

/** `now() + $n ms`, in the database's clock (every expiry is relative to it). */
const inMs = (param: string) => `now() + ${param}::float8 * interval '1 millisecond'`;

/**
 * Sessions in PostgreSQL: one row per session (its stored id, its data as jsonb, its expiry).
 * A read is one statement that returns the row and slides its expiry, writing only when the
 * expiry would move by more than a second; a write merges the request's changes by
 * compare-and-swap on the stored document (jsonb equality, so the database's own formatting of
 * the text does not matter) and never re-creates a deleted row. Data that jsonb cannot hold
 * (U+0000, lone surrogates) is stored as its JSON text in a jsonb string instead of failing. Rows past their expiry are never
 * returned, whether or not the pruner has deleted them yet.
 */
export class PostgresSessionStore extends MergingStore {
  private readonly queries: PostgresQueries;
  private readonly table: string;
  /** The expiry reads set: the one the latest read needed. */
  private readTtlMs: number;

  constructor(options: PostgresSessionStoreOptions) {
    super(options.ttlSeconds * 1000);
    this.queries = new PostgresQueries(
      options.pool,
      options.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT_MS,
    );
    this.table = postgresTables(options.schema, options.table).sessions;
    this.readTtlMs = this.storeTtlMs;
  }

  protected async readRaw(id: string, expiryOf: (raw: string) => number): Promise<string | null> {
    const guess = this.readTtlMs;
    const { rows } = await this.queries.query<{ sess: string }>(
      `WITH found AS (
         SELECT sess FROM ${this.table} WHERE session_key = $1 AND expires_at > now()
       ), slid AS (
         UPDATE ${this.table} SET expires_at = ${inMs('$2')}
         WHERE session_key = $1 AND expires_at > now()
           AND expires_at < ${inMs('$3')}
         RETURNING 1
       )
       SELECT sess::text AS sess FROM found`,
      [id, guess, guess - TTL_TOLERANCE_MS],
    );
    if (rows.length === 0) return null;
    const raw = fromStored(rows[0].sess);
    const ttlMs = expiryOf(raw);
    if (ttlMs <= 0) {
      await this.deleteRaw(id);
      return null;
    }
    if (ttlMs < guess || ttlMs - guess > TTL_TOLERANCE_MS) {
      this.readTtlMs = Math.max(1, ttlMs);
      await this.expireRaw(id, ttlMs);
    }
    return raw;
  }

  protected async writeRaw(id: string, raw: string, ttlMs: number): Promise<void> {
    await this.queries.query(
      `INSERT INTO ${this.table} AS t (session_key, sess, expires_at)
       VALUES ($1, $2::jsonb, ${inMs('$3')})
       ON CONFLICT (session_key) DO UPDATE SET sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at`,
      [id, toStored(raw), ttlMs],
    );
  }

  protected override async writeRawIfAbsent(
    id: string,
    raw: string,
    ttlMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.queries.query(
      `INSERT INTO ${this.table} AS t (session_key, sess, expires_at)
       VALUES ($1, $2::jsonb, ${inMs('$3')})
       ON CONFLICT (session_key) DO UPDATE SET sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at
       WHERE t.expires_at <= now()`,
      [id, toStored(raw), ttlMs],
    );
    return rowCount > 0;
  }

  protected async compareAndSwap(
    id: string,
    expected: string,
    next: string,
    expiry: WriteExpiry,
  ): Promise<SwapResult> {
    const { rowCount } = await this.queries.query(
      `UPDATE ${this.table}
       SET sess = $3::jsonb,
           expires_at = CASE WHEN $4::float8 IS NULL THEN expires_at ELSE ${inMs('$4')} END
       WHERE session_key = $1 AND expires_at > now() AND sess = $2::jsonb`,
      [id, toStored(expected), toStored(next), expiry === 'keep' ? null : expiry],
    );
    if (rowCount > 0) return true;
    return this.peekRaw(id);
  }

  protected async deleteRaw(id: string): Promise<void> {
    await this.queries.query(`DELETE FROM ${this.table} WHERE session_key = $1`, [id]);
  }

  protected async peekRaw(id: string): Promise<string | null> {
    const { rows } = await this.queries.query<{ sess: string }>(
      `SELECT sess::text AS sess FROM ${this.table} WHERE session_key = $1 AND expires_at > now()`,
      [id],
    );
    return rows[0] ? fromStored(rows[0].sess) : null;
  }

  protected async expireRaw(id: string, ttlMs: number): Promise<void> {
    await this.queries.query(
      `UPDATE ${this.table} SET expires_at = ${inMs('$2')}
       WHERE session_key = $1 AND expires_at > now()`,
      [id, ttlMs],
    );
  }

  protected async listRaw(): Promise<[string, string | null][]> {
    const { rows } = await this.queries.query<{ session_key: string; sess: string }>(
      `SELECT session_key, sess::text AS sess FROM ${this.table} WHERE expires_at > now()`,
    );
    return rows.map((row) => [row.session_key, fromStored(row.sess)]);
  }

  protected async clearRaw(): Promise<number> {
    const { rowCount } = await this.queries.query(`DELETE FROM ${this.table}`);
    return rowCount;
  }
}
