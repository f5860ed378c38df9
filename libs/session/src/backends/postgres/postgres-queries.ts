import type { PostgresPoolLike } from '../../session.options';
import { withTimeout } from '../with-timeout';

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/**
 * Every statement the PostgreSQL backend sends, through one pool, each bounded by the command
 * timeout (waiting for a free connection included): past it the caller gets an error, and the
 * request a 503, rather than a wait as long as the pool's.
 */
export class PostgresQueries {
  constructor(
    readonly pool: PostgresPoolLike,
    readonly timeoutMs: number,
  ) {}

  async query<Row = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<QueryResult<Row>> {
    const result = await withTimeout(
      this.pool.query(text, values),
      this.timeoutMs,
      'PostgreSQL query',
    );
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  /**
   * Runs `work` in one transaction on one connection of the pool (the advisory lock of the
   * pruner needs both); rolled back when it throws.
   */
  async transaction<T>(
    work: (
      query: (text: string, values?: unknown[]) => Promise<QueryResult<unknown>>,
    ) => Promise<T>,
  ): Promise<T> {
    const connecting = this.pool.connect();
    const client = await withTimeout(connecting, this.timeoutMs, 'PostgreSQL connect').catch(
      (err: unknown) => {
        // A connection that comes after the timeout goes back to the pool, not nowhere.
        connecting.then(
          (late) => late.release(),
          () => undefined,
        );
        throw err;
      },
    );
    const query = async (text: string, values: unknown[] = []) => {
      const result = await withTimeout(
        client.query(text, values),
        this.timeoutMs,
        'PostgreSQL query',
      );
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    };
    let broken: Error | undefined;
    try {
      await query('BEGIN');
      const result = await work(query);
      await query('COMMIT');
      return result;
    } catch (err) {
      await query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** `"name"`: an identifier quoted for SQL (names are checked as plain identifiers at start-up too). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
