import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { jest } from '@jest/globals';
import { Body, Controller, Get, Logger, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { Pool, type PoolClient } from 'pg';
import request, { type Response } from 'supertest';
import {
  SessionConfigurationError,
  postgresSchemaSql,
  type PostgresPoolLike,
  type SessionModuleOptions,
} from 'nest-session-kit';
import {
  PostgresPruner,
  type PruneResult,
} from 'nest-session-kit/backends/postgres/postgres-pruner';
import { PostgresQueries } from 'nest-session-kit/backends/postgres/postgres-queries';
import { postgresTables } from 'nest-session-kit/backends/postgres/postgres-tables';
import { AppModule, type SampleEnv } from '../apps/sample/src/app.module';
import {
  PASSWORDS,
  TEST_SECRET,
  cookieOf,
  createTestApp,
  errorBody,
  postgresEnv,
  sessionIdFrom,
  setCookiesOf,
  storedIdOf,
  testDatabaseUrl,
  type TestApp,
} from './support/app-factory';
import { createLibraryApp } from './support/library-app';
import { PrivatePostgres } from './support/postgres-process';
import { freePort } from './support/redis-server';
import { sleep, until } from './support/redis-process';

declare module 'express-session' {
  interface SessionData {
    note?: string;
  }
}

/** How long any one request may take while the database misbehaves: an answer, never a hang. */
const ANSWER_BOUND_MS = 5000;

/** 503 in the error shape: the store is away, and the request says so instead of going on. */
function expectStoreUnavailable(res: Response): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 503,
    body: errorBody(503, 'SESSION_STORE_UNAVAILABLE'),
  });
}

/** A fresh schema name for one app (the run's database is shared by every suite). */
const schemaName = (label: string) => `${label}_${randomUUID().replace(/-/g, '')}`;

/** A login on the sample app: the cookie to replay, the session id and the key it is stored under. */
async function logIn(app: TestApp, email = 'user@example.com') {
  const res = await app
    .agent()
    .post('/auth/login')
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  const sid = sessionIdFrom(setCookiesOf(res));
  if (!sid) throw new Error('no session cookie in the login response');
  return {
    cookie: cookieOf(res),
    sid,
    key: storedIdOf(sid),
    user: res.body.user as { id: string; email: string },
  };
}

/** What a request answered, and how long it took. */
interface Outcome {
  status: number;
  code?: string;
  ms: number;
  error?: string;
}

async function timed(send: () => request.Test): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await send().timeout(ANSWER_BOUND_MS * 2);
    return { status: res.status, code: res.body?.code, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, ms: Date.now() - started, error: (err as Error).message };
  }
}

/** `workers` loops sending requests until `stop()` says so; every outcome, in order. */
function traffic(workers: number, send: () => request.Test) {
  let stopped = false;
  const outcomes: Outcome[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      outcomes.push(await timed(send));
      await sleep(20);
    }
  });
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** The error creating the module fails with (undefined if it starts; then it is closed). */
async function failureOf(create: () => Promise<{ close(): Promise<void> }>): Promise<unknown> {
  try {
    const app = await create();
    await app.close();
    return undefined;
  } catch (err) {
    return err;
  }
}

/** A SessionConfigurationError's one-line message. */
function configurationMessage(err: unknown): string {
  expect(err).toBeInstanceOf(SessionConfigurationError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

@Controller('note')
class NoteController {
  @Post()
  write(@Req() req: Request, @Body() body: { note: string }) {
    req.session.note = body.note;
    return { saved: body.note };
  }

  @Get()
  read(@Req() req: Request) {
    return { note: req.session.note ?? null };
  }
}

/** A library app on the run's database with the store options given (prune off unless asked). */
function libraryApp(
  store: Record<string, unknown>,
  extra: Partial<SessionModuleOptions> = {},
): Promise<INestApplication> {
  return createLibraryApp(
    {
      store: {
        type: 'postgres',
        connectionString: testDatabaseUrl(),
        prune: false,
        ...store,
      } as SessionModuleOptions['store'],
      ...extra,
    },
    [NoteController],
  );
}

/** An agent with a session holding `note`, and the key its row is stored under. */
async function noteSession(app: INestApplication, note: string) {
  const server = app.getHttpServer() as Server;
  const res = await request(server).post('/note').send({ note }).expect(201, { saved: note });
  const sid = sessionIdFrom(setCookiesOf(res));
  if (!sid) throw new Error('no session cookie');
  return { server, cookie: cookieOf(res), key: storedIdOf(sid) };
}

/** The run's database, for planting and inspecting rows. */
let db: Pool;
beforeAll(() => {
  db = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
});
afterAll(async () => {
  await db?.end();
});

describe('PostgreSQL store: the database stops mid-traffic (private PostgreSQL cluster)', () => {
  let server: PrivatePostgres;
  let app: TestApp;

  beforeAll(async () => {
    server = await PrivatePostgres.create();
    await server.start();
    app = await createTestApp({ DATABASE_URL: server.url, DATABASE_SCHEMA: schemaName('outage') });
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });
  afterEach(async () => {
    // Each test leaves the server up for the next one.
    await server.start();
  });

  it('answers only 200 or 503 SESSION_STORE_UNAVAILABLE, each within 5 s, while it stops, and the same session works again once it is back', async () => {
    const { cookie, user } = await logIn(app);
    const me = () => app.agent().get('/auth/me').set('Cookie', cookie);
    await me().expect(200, { user });

    const load = traffic(4, me);
    await sleep(400);
    await server.stop();
    const stoppedAt = load.outcomes.length;
    await sleep(2500);
    const outcomes = await load.stop();

    const wrong = outcomes.filter(
      (o) =>
        !(o.status === 200 || (o.status === 503 && o.code === 'SESSION_STORE_UNAVAILABLE')) ||
        o.ms >= ANSWER_BOUND_MS,
    );
    expect(wrong).toEqual([]);
    expect(outcomes.slice(0, stoppedAt).some((o) => o.status === 200)).toBe(true);
    expect(outcomes.slice(stoppedAt).some((o) => o.status === 503)).toBe(true);
    // While it is down, the answer is 503, never a 200 from nowhere.
    expectStoreUnavailable(await me().timeout(ANSWER_BOUND_MS));

    const health = await app.agent().get('/health').timeout(ANSWER_BOUND_MS);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      code: 'SESSION_STORE_UNAVAILABLE',
      store: { status: 'down' },
    });

    await server.start();

    // No restart of the app: the pool opens new connections by itself.
    const startedAgain = Date.now();
    await until('the session answers 200 again', 5000, async () =>
      (await me().timeout(ANSWER_BOUND_MS)).status === 200 ? true : undefined,
    );
    expect(Date.now() - startedAgain).toBeLessThan(5000);
    await me().expect(200, { user });
    await app
      .agent()
      .get('/health')
      .expect(200, { status: 'ok', store: { status: 'up' } });
  });

  it('does not crash when the server drops its idle pooled connections, and carries on when it is back', async () => {
    const { cookie, user } = await logIn(app);
    const me = () => app.agent().get('/auth/me').set('Cookie', cookie);
    // Several requests at once: the pool keeps more than one connection open, idle afterwards.
    await Promise.all(Array.from({ length: 6 }, () => me().expect(200)));
    await sleep(200);
    const idle = await server.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE application_name = 'nest-session-kit' AND state = 'idle'`,
    );
    expect(Number(idle[0].n)).toBeGreaterThan(0);

    await server.stop();
    // The dropped connections report their errors now, with no request running.
    await sleep(1000);

    const health = await timed(() => app.agent().get('/health'));
    expect(health).toMatchObject({ status: 503 });
    expect(health.ms).toBeLessThan(ANSWER_BOUND_MS);
    expectStoreUnavailable(await me().timeout(ANSWER_BOUND_MS));

    await server.start();
    await until('the session answers 200 again', 5000, async () =>
      (await me().timeout(ANSWER_BOUND_MS)).status === 200 ? true : undefined,
    );
    await me().expect(200, { user });
  });
});

describe('PostgreSQL store: the pool is exhausted (library app)', () => {
  const COMMAND_TIMEOUT_MS = 700;
  /** A request waits about one command timeout, plus the time for what did answer. */
  const WAIT_BOUND_MS = COMMAND_TIMEOUT_MS + 900;
  let app: INestApplication | undefined;
  let locker: PoolClient | undefined;
  let ownPool: Pool | undefined;
  /** Every connection of ownPool, to end even one that was never released to it. */
  let ownClients: PoolClient[] = [];

  afterEach(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    locker?.release();
    locker = undefined;
    await app?.close();
    app = undefined;
    if (ownPool) {
      // pool.end() waits for every checked-out client: bounded, then the connections are ended
      // one by one, so a client the app kept checked out neither hangs nor crashes the run.
      await Promise.race([ownPool.end(), sleep(1000)]);
      await Promise.all(ownClients.map((client) => client.end().catch(() => undefined)));
    }
    ownPool = undefined;
    ownClients = [];
  });

  it('poolSize 1 with its connection stuck behind a row lock: each request answers 503 within about commandTimeout, then works again', async () => {
    const schema = schemaName('pool');
    app = await libraryApp({ schema, poolSize: 1, commandTimeout: COMMAND_TIMEOUT_MS });
    const { server, cookie, key } = await noteSession(app, 'first');

    locker = await db.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM ${schema}.sessions WHERE session_key = $1 FOR UPDATE`, [key]);

    // One write holds the only connection, waiting for the lock; the others wait for it.
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        timed(() =>
          request(server)
            .post('/note')
            .set('Cookie', cookie)
            .send({ note: `second-${i}` }),
        ),
      ),
    );
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 503, code: 'SESSION_STORE_UNAVAILABLE' });
      expect(outcome.ms).toBeLessThan(WAIT_BOUND_MS);
    }

    await locker.query('ROLLBACK');
    locker.release();
    locker = undefined;

    await until('a write works again', 3000, async () => {
      const res = await request(server).post('/note').set('Cookie', cookie).send({ note: 'third' });
      return res.status === 201 ? true : undefined;
    });
    await request(server).get('/note').set('Cookie', cookie).expect(200, { note: 'third' });
  });

  it.each<[string, false | { interval: number }]>([
    ['prune off', false],
    // The pruner's transactions take a connection of the same pool, and meet the busy pool too.
    ['the pruner running every 100 ms', { interval: 100 }],
  ])(
    'a pool passed in (%s), its one connection busy (pg_sleep): 503 within about commandTimeout, and requests work again once it is free',
    async (_what, prune) => {
      ownPool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
      ownPool.on('error', () => undefined);
      ownPool.on('connect', (client) => {
        ownClients.push(client);
        client.on('error', () => undefined);
      });
      app = await libraryApp({
        connectionString: undefined,
        pool: ownPool as unknown as PostgresPoolLike,
        schema: schemaName('ownpool'),
        commandTimeout: COMMAND_TIMEOUT_MS,
        prune,
      });
      const { server, cookie } = await noteSession(app, 'first');

      const busy = ownPool.query('SELECT pg_sleep(2)');
      await sleep(100);
      const outcome = await timed(() => request(server).get('/note').set('Cookie', cookie));
      expect(outcome).toMatchObject({ status: 503, code: 'SESSION_STORE_UNAVAILABLE' });
      expect(outcome.ms).toBeLessThan(WAIT_BOUND_MS);
      await busy;

      const pool = ownPool;
      await until('a read works again once the pool is free', 4000, async () => {
        const res = await request(server).get('/note').set('Cookie', cookie).timeout(5000);
        return res.status === 200 ? true : undefined;
      }).catch((err: Error) => {
        // A client checked out and never released shows as total 1, idle 0, waiting > 0.
        const counts = `total ${pool.totalCount}, idle ${pool.idleCount}, waiting ${pool.waitingCount}`;
        throw new Error(`${err.message} (the pool passed in: ${counts})`);
      });
      await request(server).get('/note').set('Cookie', cookie).expect(200, { note: 'first' });
    },
  );
});

describe('PostgreSQL store: rows that are not sessions (sample app)', () => {
  let app: TestApp;
  let table: string;

  beforeAll(async () => {
    const env = postgresEnv();
    table = `${env.DATABASE_SCHEMA}.sessions`;
    app = await createTestApp(env);
  });
  afterAll(async () => {
    await app?.close();
  });

  // Each row replaces what the login stored (`sess` in the SQL is that).
  it.each([
    ['a JSON array', `'[1,2]'::jsonb`],
    ['a JSON string', `'"text"'::jsonb`],
    ['a JSON number', `'42'::jsonb`],
    ['a cookie that is not an object', `'{"cookie":"x"}'::jsonb`],
    ['a cookie whose expiry is not a date', `'{"cookie":{"expires":"not a date"}}'::jsonb`],
    ['its user, with a cookie that is not an object', `sess || '{"cookie":"x"}'::jsonb`],
    [
      'its user, with a cookie whose expiry is not a date',
      `jsonb_set(sess, '{cookie,expires}', '"not a date"'::jsonb)`,
    ],
  ])(
    'a row holding %s reads as no session (401, never 500), reported once, not per request',
    async (_what, sess) => {
      const { cookie, key } = await logIn(app);
      const updated = await db.query(`UPDATE ${table} SET sess = ${sess} WHERE session_key = $1`, [
        key,
      ]);
      expect(updated.rowCount).toBe(1);

      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        for (let i = 0; i < 3; i++) {
          const res = await app.agent().get('/auth/me').set('Cookie', cookie).timeout(5000);
          expect({ status: res.status, body: res.body }).toEqual({
            status: 401,
            body: errorBody(401, 'AUTH_REQUIRED'),
          });
        }
        const lines = warn.mock.calls.map((call) => String(call[0]));
        expect(lines).toHaveLength(1);
      } finally {
        warn.mockRestore();
      }
    },
  );
});

describe('PostgreSQL store: start-up', () => {
  it('fails within the connect timeout when DATABASE_URL is unreachable, naming store.connectionString and host:port, never the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await failureOf(async () => {
      const env: SampleEnv = {
        SESSION_SECRET: TEST_SECRET,
        REDIS_URL: '',
        DATABASE_URL: `postgres://user:secretpass@127.0.0.1:${port}/x`,
      };
      return Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
    });
    const elapsed = Date.now() - started;

    const message = configurationMessage(err);
    expect(message).toContain('"store.connectionString"');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/unreachable/i);
    expect(message).not.toContain('secretpass');
    expect(JSON.stringify(err)).not.toContain('secretpass');
    expect(String((err as Error).stack)).not.toContain('secretpass');
    expect(elapsed).toBeLessThan(6000);
  });

  it('with createTables: false and the table missing, fails naming <schema>.sessions and store.createTables', async () => {
    const schema = schemaName('notables');
    await db.query(`CREATE SCHEMA ${schema}`);
    try {
      const err = await failureOf(() => libraryApp({ schema, createTables: false }));
      const message = configurationMessage(err);
      expect(message).toContain(`${schema}.sessions`);
      expect(message).toContain('"store.createTables"');
      // Nothing was created behind the option's back.
      const { rows } = await db.query('SELECT to_regclass($1) AS found', [`${schema}.sessions`]);
      expect(rows[0].found).toBeNull();
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('two apps starting at once on the same new schema both start, and share their sessions', async () => {
    for (let round = 0; round < 3; round++) {
      const env = postgresEnv();
      const started = await Promise.allSettled([createTestApp(env), createTestApp(env)]);
      try {
        expect(
          started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started')),
        ).toEqual(['started', 'started']);
        const [a, b] = started.map((s) => (s as PromiseFulfilledResult<TestApp>).value);
        const { cookie, user } = await logIn(a);
        await b.agent().get('/auth/me').set('Cookie', cookie).expect(200, { user });
      } finally {
        await Promise.all(
          started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)),
        );
      }
    }
  });

  describe('option validation', () => {
    let pool: Pool;
    beforeAll(() => {
      pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
    });
    afterAll(() => pool.end());

    it.each<[string, string, () => Record<string, unknown>]>([
      [
        'both pool and connectionString',
        'store.pool',
        () => ({ pool, connectionString: testDatabaseUrl() }),
      ],
      [
        'a table name that is not an identifier',
        'store.table',
        () => ({ table: 'x; drop table y' }),
      ],
      ['prune.interval 0', 'store.prune.interval', () => ({ prune: { interval: 0 } })],
    ])('refuses %s, naming %s', async (_what, option, store) => {
      const err = await failureOf(() => libraryApp({ schema: schemaName('invalid'), ...store() }));
      expect(configurationMessage(err)).toContain(`"${option}"`);
    });
  });
});

describe('PostgreSQL store: expired rows and the pruner', () => {
  const plantExpired = (table: string, count: number, prefix = 'expired') =>
    db.query(
      `INSERT INTO ${table} (session_key, sess, expires_at)
       SELECT $2 || i, '{"cookie":{}}'::jsonb, now() - interval '1 minute'
       FROM generate_series(1, $1::int) AS i`,
      [count, `${prefix}-${randomUUID()}-`],
    );
  const plantLive = (table: string, count: number) =>
    db.query(
      `INSERT INTO ${table} (session_key, sess, expires_at)
       SELECT 'live-' || i, '{"cookie":{}}'::jsonb, now() + interval '1 hour'
       FROM generate_series(1, $1::int) AS i`,
      [count],
    );
  const countOf = async (table: string, condition: string) => {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${condition}`,
    );
    return Number(rows[0].n);
  };

  it('prune { interval: 100, batchSize: 50 } deletes 500 expired rows within a few seconds and keeps the live ones', async () => {
    const schema = schemaName('prune');
    const table = `${schema}.sessions`;
    const app = await libraryApp({ schema, prune: { interval: 100, batchSize: 50 } });
    try {
      await plantExpired(table, 500);
      await plantLive(table, 20);

      await until('the expired rows are deleted', 5000, async () =>
        (await countOf(table, 'expires_at <= now()')) === 0 ? true : undefined,
      );
      expect(await countOf(table, 'expires_at > now()')).toBe(20);
    } finally {
      await app.close();
    }
  });

  it('never returns an expired row, pruned or not: a session whose row has expired reads as none', async () => {
    const env = postgresEnv();
    const app = await createTestApp(env);
    const table = `${env.DATABASE_SCHEMA}.sessions`;
    try {
      const { cookie, key, user } = await logIn(app);
      await app.agent().get('/auth/me').set('Cookie', cookie).expect(200, { user });
      await db.query(
        `UPDATE ${table} SET expires_at = now() - interval '1 second' WHERE session_key = $1`,
        [key],
      );

      const res = await app.agent().get('/auth/me').set('Cookie', cookie).expect(401);
      expect(res.body).toEqual(errorBody(401, 'AUTH_REQUIRED'));
      // And it stays none: the expired row was not slid back to life by the read.
      await app.agent().get('/auth/me').set('Cookie', cookie).expect(401);
      expect(await countOf(table, `session_key = '${key}' AND expires_at > now()`)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('two apps pruning the same tables at once both go on without an error (no deadlock), and delete everything expired', async () => {
    const schema = schemaName('prune2');
    const table = `${schema}.sessions`;
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const apps: INestApplication[] = [];
    try {
      apps.push(await libraryApp({ schema, prune: { interval: 50, batchSize: 50 } }));
      apps.push(await libraryApp({ schema, prune: { interval: 50, batchSize: 50 } }));
      await plantExpired(table, 3000);
      await plantLive(table, 10);

      await until('the expired rows are deleted', 8000, async () =>
        (await countOf(table, 'expires_at <= now()')) === 0 ? true : undefined,
      );
      expect(await countOf(table, 'expires_at > now()')).toBe(10);
      await sleep(300);
      expect(error.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      error.mockRestore();
    }
  });

  it('two pruners passing at once: both complete, one skips while the other holds the lock, nothing is deleted twice', async () => {
    const schema = schemaName('prune3');
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(postgresSchemaSql({ schema }));
    const pools = [1, 2].map(() => new Pool({ connectionString: testDatabaseUrl(), max: 2 }));
    try {
      await Promise.all(pools.map((pool) => pool.query('SELECT 1')));
      const pruners = pools.map(
        (pool) =>
          new PostgresPruner(
            new PostgresQueries(pool as unknown as PostgresPoolLike, 2000),
            postgresTables(schema),
            { intervalMs: 60_000, batchSize: 50, activeWindowMs: 60_000 },
          ),
      );
      await plantExpired(`${schema}.sessions`, 2000);

      const results: PruneResult[] = [];
      for (let round = 0; round < 10; round++) {
        results.push(...(await Promise.all(pruners.map((pruner) => pruner.prune()))));
        if ((await countOf(`${schema}.sessions`, 'true')) === 0) break;
      }

      expect(await countOf(`${schema}.sessions`, 'true')).toBe(0);
      const deleted = results.reduce((sum, r) => sum + (r.deleted.sessions ?? 0), 0);
      expect(deleted).toBe(2000);
      expect(results.some((r) => r.skipped)).toBe(true);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
