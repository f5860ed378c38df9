import { createTestApp, signIn, STORES, type SignedIn, type TestApp } from './support/app-factory';
import { anonymousVisitor, type Visitor } from './support/visitor';

/** Keys that name members of Object.prototype: class-transformer alone drops them silently. */
const PROTOTYPE_NAMES = ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const PROTOTYPE_REACHING = ['constructor', '__proto__'];

function expectRefused(res: { status: number; body: Record<string, unknown> }, key: string) {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  expect((res.body.errors as Record<string, unknown>)[key]).toEqual(expect.any(Array));
}

describe.each(STORES)('keys named like Object.prototype members on the %s', (_name, env) => {
  let app: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    app = await createTestApp(env());
    admin = await signIn(app, 'admin@example.com');
  });
  afterAll(() => app.close());

  function saveStep({ agent, csrfToken }: Visitor, raw: string) {
    return agent
      .put('/forms/checkout')
      .set('x-csrf-token', csrfToken)
      .set('Content-Type', 'application/json')
      .send(raw);
  }

  it('keeps them in form data, as sent', async () => {
    const visitor = await anonymousVisitor(app);
    const data = Object.fromEntries(PROTOTYPE_NAMES.map((key, i) => [key, `value ${i}`]));
    const saved = await saveStep(visitor, JSON.stringify({ step: 1, data: { ...data, a: 1 } }));
    expect(saved.status).toBe(200);
    expect(saved.body.steps['1']).toEqual({ ...data, a: 1 });
    const shown = await visitor.agent.get('/forms/checkout').expect(200);
    expect(shown.body.steps['1']).toEqual({ ...data, a: 1 });
  });

  it.each(PROTOTYPE_REACHING)('refuses %s in form data with 400', async (key) => {
    const visitor = await anonymousVisitor(app);
    const res = await saveStep(visitor, `{"step":1,"data":{"${key}":{"polluted":true}}}`);
    expectRefused(res, key);
    await visitor.agent.get('/forms/checkout').expect(404);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([...PROTOTYPE_NAMES, ...PROTOTYPE_REACHING, 'foo'])(
    'refuses a body key %s that the route does not know',
    async (key) => {
      const visitor = await anonymousVisitor(app);
      const res = await visitor.agent
        .put('/preferences')
        .set('x-csrf-token', visitor.csrfToken)
        .set('Content-Type', 'application/json')
        .send(`{"theme":"dark","${key}":"x"}`);
      expectRefused(res, key);
      expect((await visitor.agent.get('/preferences').expect(200)).body.theme).toBe('system');
    },
  );

  it.each([...PROTOTYPE_NAMES, ...PROTOTYPE_REACHING, 'foo'])(
    'refuses /admin/stats?days=7&%s=1 like any unknown query parameter',
    async (key) => {
      const res = await admin.agent.get(`/admin/stats?days=7&${key}=1`);
      expectRefused(res, key);
    },
  );

  it.each(['0x10', '1e1', '+7', ' 7', '7.0', '', '0b11', 'Infinity'])(
    'reads numbers in decimal only: days=%p is refused',
    async (days) => {
      const res = await admin.agent.get('/admin/stats').query(`days=${encodeURIComponent(days)}`);
      expectRefused(res, 'days');
    },
  );

  it('accepts decimal days and no days at all', async () => {
    const seven = await admin.agent.get('/admin/stats?days=7').expect(200);
    expect(seven.body.daily).toHaveLength(7);
    const sixteen = await admin.agent.get('/admin/stats?days=16').expect(200);
    expect(sixteen.body.daily).toHaveLength(16);
    await admin.agent.get('/admin/stats').expect(200);
  });
});
