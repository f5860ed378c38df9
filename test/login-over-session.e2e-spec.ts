import { Secret, TOTP } from 'otpauth';
import { createTestApp, PASSWORDS, STORES, type TestApp } from './support/app-factory';
import { anonymousVisitor, signInVisitor, type Visitor } from './support/visitor';

const totp = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP'), digits: 6, period: 30 });

/** Fills every kind of session data the sample keeps: cart, preferences, history, a draft. */
async function fillSession({ agent, csrfToken }: Visitor): Promise<void> {
  await agent
    .post('/cart/items')
    .set('x-csrf-token', csrfToken)
    .send({ productId: 'keyboard', quantity: 2 })
    .expect(201);
  await agent
    .put('/preferences')
    .set('x-csrf-token', csrfToken)
    .send({ theme: 'dark', language: 'fr' })
    .expect(200);
  await agent
    .put('/forms/checkout')
    .set('x-csrf-token', csrfToken)
    .send({ step: 1, data: { street: '1 Main Street' } })
    .expect(200);
  await agent.get('/products').expect(200);
}

/** Nothing of the previous session is visible: empty cart, default preferences, no draft. */
async function expectNothingCarried(agent: Visitor['agent']): Promise<void> {
  expect((await agent.get('/cart').expect(200)).body).toMatchObject({ items: [], count: 0 });
  expect((await agent.get('/preferences').expect(200)).body).toEqual({
    theme: 'system',
    language: 'en',
    pageSize: 20,
  });
  await agent.get('/forms/checkout').expect(404);
  const history = (await agent.get('/history').expect(200)).body.pages as string[];
  expect(history).not.toContain('/products');
}

describe.each(STORES)('a login over a live session on the %s', (_name, env) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  it("carries nothing of another user's session: not its cart, preferences, history or drafts", async () => {
    const alice = await signInVisitor(await anonymousVisitor(app), 'alice@example.com');
    await fillSession(alice);
    expect((await alice.agent.get('/cart').expect(200)).body.count).toBe(2);
    const bob = await signInVisitor(alice, 'bob@example.com');
    expect((await bob.agent.get('/auth/me').expect(200)).body.user.email).toBe('bob@example.com');
    await expectNothingCarried(bob.agent);
  });

  it("carries nothing of another user's session into an MFA login either", async () => {
    const alice = await signInVisitor(await anonymousVisitor(app), 'alice@example.com');
    await fillSession(alice);
    const pending = await alice.agent
      .post('/auth/login')
      .set('x-csrf-token', alice.csrfToken)
      .send({ email: 'mfa@example.com', password: PASSWORDS['mfa@example.com'] })
      .expect(200);
    expect(pending.body.mfaRequired).toBe(true);
    await alice.agent
      .post('/auth/mfa/verify')
      .set('x-csrf-token', pending.body.csrfToken)
      .send({ code: totp.generate() })
      .expect(200);
    expect((await alice.agent.get('/auth/me').expect(200)).body.user.email).toBe('mfa@example.com');
    await expectNothingCarried(alice.agent);
  });

  it("still carries an anonymous session's cart, preferences and history", async () => {
    const visitor = await anonymousVisitor(app);
    await fillSession(visitor);
    const signedIn = await signInVisitor(visitor, 'user@example.com');
    expect((await signedIn.agent.get('/cart').expect(200)).body.count).toBe(2);
    expect((await signedIn.agent.get('/preferences').expect(200)).body.theme).toBe('dark');
    expect((await signedIn.agent.get('/history').expect(200)).body.pages).toContain('/products');
  });
});
