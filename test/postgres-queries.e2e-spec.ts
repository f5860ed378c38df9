import pg from 'pg';
import {
  createTestApp,
  DEMO_EMAILS,
  postgresEnv,
  signIn,
  type TestApp,
} from './support/app-factory';

/**
 * The statements the sample sends to PostgreSQL, seen at node-postgres' Pool.query (the real pool
 * the library creates; the spy only records the text and passes every call through).
 */
describe('PostgreSQL store: statements per request', () => {
  let app: TestApp;
  const sent: string[] = [];
  const original = pg.Pool.prototype.query;

  beforeAll(async () => {
    pg.Pool.prototype.query = function recorded(this: pg.Pool, ...args: unknown[]) {
      const [text] = args;
      sent.push(typeof text === 'string' ? text : String((text as { text?: string })?.text));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    app = await createTestApp(postgresEnv());
  });
  afterAll(async () => {
    pg.Pool.prototype.query = original;
    await app?.close();
  });

  async function during(work: () => Promise<unknown>): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    sent.length = 0;
    await work();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return sent.map((text) => text.replace(/\s+/g, ' ').trim());
  }

  it('an authenticated GET /auth/me costs exactly one statement, the read that slides the expiry', async () => {
    const { agent } = await signIn(app, DEMO_EMAILS.user);
    // The first visit to /auth/me is recorded in the navigation history (a write); reading it
    // again changes nothing, and that read is what this measures.
    await agent.get('/auth/me').expect(200);
    const statements = await during(() => agent.get('/auth/me').expect(200));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^WITH found AS \( SELECT sess FROM .* UPDATE .* SET expires_at/);
  });

  it('ten reads in a row cost ten statements, and a cookie-less request none', async () => {
    const { agent } = await signIn(app, DEMO_EMAILS.alice);
    await agent.get('/auth/me').expect(200);
    const statements = await during(async () => {
      for (let i = 0; i < 10; i++) await agent.get('/auth/me').expect(200);
    });
    expect(statements).toHaveLength(10);
    expect(await during(() => app.agent().get('/products').expect(200))).toEqual([]);
    expect(await during(() => app.agent().get('/health').expect(200))).toEqual(['SELECT 1']);
  });
});
