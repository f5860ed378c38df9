import { createTestApp, STORES, type TestApp } from './support/app-factory';
import { anonymousVisitor, type Visitor } from './support/visitor';

const ITERATIONS = 100;

function addToCart({ agent, csrfToken }: Visitor, productId: string) {
  return agent
    .post('/cart/items')
    .set('x-csrf-token', csrfToken)
    .send({ productId, quantity: 1 })
    .expect(201);
}

function saveStep({ agent, csrfToken }: Visitor, step: number, data: object) {
  return agent
    .put('/forms/checkout')
    .set('x-csrf-token', csrfToken)
    .send({ step, data })
    .expect(200);
}

async function productIdsInCart({ agent }: Visitor): Promise<string> {
  const res = await agent.get('/cart').expect(200);
  const items = res.body.items as { productId: string }[];
  return items
    .map((item) => item.productId)
    .sort()
    .join();
}

describe.each(STORES)('concurrent requests on one session on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  it(`keeps both products when two tabs add different ones at once, ${ITERATIONS} times in a row`, async () => {
    const tabs = await anonymousVisitor(app);
    await addToCart(tabs, 'keyboard');
    const lost: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      await tabs.agent.delete('/cart').set('x-csrf-token', tabs.csrfToken).expect(200);
      await Promise.all([addToCart(tabs, 'mouse'), addToCart(tabs, 'webcam')]);
      if ((await productIdsInCart(tabs)) !== 'mouse,webcam') lost.push(i);
    }
    expect(lost).toEqual([]);
  });

  it(`keeps both first products of a cart that does not exist yet, ${ITERATIONS} times`, async () => {
    const lost: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const tabs = await anonymousVisitor(app);
      await Promise.all([addToCart(tabs, 'mouse'), addToCart(tabs, 'webcam')]);
      if ((await productIdsInCart(tabs)) !== 'mouse,webcam') lost.push(i);
    }
    expect(lost).toEqual([]);
  });

  it('keeps both changes when two requests change different session keys at once', async () => {
    const lost: number[] = [];
    for (let i = 0; i < ITERATIONS / 4; i++) {
      const tab = await anonymousVisitor(app);
      const [, preferences] = await Promise.all([
        addToCart(tab, 'mouse'),
        tab.agent
          .put('/preferences')
          .set('x-csrf-token', tab.csrfToken)
          .send({ theme: 'dark' })
          .expect(200),
      ]);
      expect(preferences.body.theme).toBe('dark');
      const theme = (await tab.agent.get('/preferences').expect(200)).body.theme;
      if ((await productIdsInCart(tab)) !== 'mouse' || theme !== 'dark') lost.push(i);
    }
    expect(lost).toEqual([]);
  });

  it('keeps both steps when two tabs save different steps of one form draft at once', async () => {
    const tabs = await anonymousVisitor(app);
    await saveStep(tabs, 1, { street: '1 Main Street' });
    for (let i = 0; i < ITERATIONS / 4; i++) {
      await Promise.all([saveStep(tabs, 2, { round: i }), saveStep(tabs, 3, { round: i })]);
      const draft = (await tabs.agent.get('/forms/checkout').expect(200)).body;
      expect(draft.steps).toEqual({
        '1': { street: '1 Main Street' },
        '2': { round: i },
        '3': { round: i },
      });
    }
  });
});
