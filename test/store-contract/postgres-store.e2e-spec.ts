import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresSessionStore, postgresSchemaSql } from 'nest-session-kit';
import { testDatabaseUrl } from '../support/app-factory';
import { describeStoreContract, type ContractStore } from './store-contract';

let pool: Pool;

beforeAll(() => {
  pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
});
afterAll(() => pool.end());

const PLANT = `INSERT INTO %s (session_key, sess, expires_at)
  VALUES ($1, $2::jsonb, now() + $3::float8 * interval '1 millisecond')
  ON CONFLICT (session_key) DO UPDATE SET sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at`;

/** JSON as it is; anything else (corrupt text) as a JSON string, which is not a session either. */
function asJsonb(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

const schemas = new WeakMap<object, string>();

describeStoreContract({
  name: 'PostgreSQL store',
  keepsAnyBytes: false,
  async create(ttlSeconds): Promise<ContractStore> {
    const schema = `contract_${randomUUID().replace(/-/g, '')}`;
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(postgresSchemaSql({ schema }));
    const table = `${schema}.sessions`;
    const store = new PostgresSessionStore({ pool, schema, ttlSeconds });
    schemas.set(store, schema);
    return {
      store,
      ttlSeconds,
      ttlOf: async (sid) => {
        const { rows } = await pool.query<{ ms: number }>(
          `SELECT extract(epoch FROM expires_at - now()) * 1000 AS ms FROM ${table}
           WHERE session_key = $1 AND expires_at > now()`,
          [sid],
        );
        return rows[0] ? Number(rows[0].ms) : null;
      },
      rawOf: async (sid) => {
        const { rows } = await pool.query<{ sess: string }>(
          `SELECT sess::text AS sess FROM ${table} WHERE session_key = $1 AND expires_at > now()`,
          [sid],
        );
        return rows[0] ? Buffer.from(rows[0].sess) : null;
      },
      plant: async (sid, bytes, ttlMs = 60_000) => {
        await pool.query(PLANT.replace('%s', table), [sid, asJsonb(bytes.toString()), ttlMs]);
      },
    };
  },
  async release(target) {
    await pool.query(`DROP SCHEMA ${schemas.get(target.store)} CASCADE`);
  },
});

describe('PostgreSQL store: data that jsonb refuses', () => {
  it('keeps U+0000 and lone surrogates exactly, through reads, merges and updates', async () => {
    const schema = `odd_${randomUUID().replace(/-/g, '')}`;
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(postgresSchemaSql({ schema }));
    const store = new PostgresSessionStore({ pool, schema, ttlSeconds: 60 });
    const odd = 'a\u0000b \ud800 c\udfff';
    const cookie = { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000).toISOString() };
    try {
      await store.set('odd', { cookie, note: odd } as never);
      expect(await store.get('odd')).toMatchObject({ note: odd });
      expect(await store.update('odd', (data) => Object.assign(data, { n: 2 }))).toBe(true);
      expect(await store.peek('odd')).toMatchObject({ note: odd, n: 2 });
      expect(await store.update('odd', (data) => Object.assign(data, { note: 'plain' }))).toBe(
        true,
      );
      expect(await store.peek('odd')).toMatchObject({ note: 'plain', n: 2 });
      const { rows } = await pool.query(
        `SELECT jsonb_typeof(sess) AS kind FROM ${schema}.sessions`,
      );
      expect(rows).toEqual([{ kind: 'object' }]);
    } finally {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
