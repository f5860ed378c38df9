import { createTestApp, STORES, type TestApp } from './support/app-factory';
import { anonymousVisitor, type Visitor } from './support/visitor';

const ITERATIONS = 100;
/** The runs in a row take minutes on a loaded machine: this is not a timing test. */
const LONG_RUN_MS = 400_000;

function addToCart({ agent, csrfToken }: Visitor, productId: string) {
  return agent
    .post('/cart/items')
    .set('x-csrf-token', csrfToken)
    .send({ productId, quantity: 1 })
    .expect(201);
}

function addOne({ agent, csrfToken }: Visitor, productId: string) {
  return agent.post('/cart/items').set('x-csrf-token', csrfToken).send({ productId, quantity: 1 });
}

async function quantityInCart({ agent }: Visitor, productId: string): Promise<number> {
  const res = await agent.get('/cart').expect(200);
  const items = res.body.items as { productId: string; quantity: number }[];
  return items.find((item) => item.productId === productId)?.quantity ?? 0;
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

  it(
    `counts every one of 10 parallel adds of 1, ${ITERATIONS} runs in a row`,
    async () => {
      const tab = await anonymousVisitor(app);
      const wrong: { run: number; quantity: number }[] = [];
      for (let run = 0; run < ITERATIONS; run++) {
        await tab.agent.delete('/cart').set('x-csrf-token', tab.csrfToken).expect(200);
        const answers = await Promise.all(Array.from({ length: 10 }, () => addOne(tab, 'mouse')));
        expect(answers.map((res) => res.status)).toEqual(Array(10).fill(201));
        const quantity = await quantityInCart(tab, 'mouse');
        if (quantity !== 10) wrong.push({ run, quantity });
      }
      expect(wrong).toEqual([]);
    },
    LONG_RUN_MS,
  );

  it(
    'sells 30 parallel adds of 1 up to the stock of 25, then answers 409 with `available`',
    async () => {
      for (let run = 0; run < ITERATIONS / 10; run++) {
        const tab = await anonymousVisitor(app);
        const answers = await Promise.all(Array.from({ length: 30 }, () => addOne(tab, 'mouse')));
        const refused = answers.filter((res) => res.status === 409);
        expect(answers.filter((res) => res.status === 201)).toHaveLength(25);
        expect(refused).toHaveLength(5);
        for (const res of refused) {
          expect(res.body).toEqual({
            statusCode: 409,
            code: 'INSUFFICIENT_STOCK',
            message: expect.any(String),
            available: 25,
          });
        }
        expect(await quantityInCart(tab, 'mouse')).toBe(25);
      }
    },
    LONG_RUN_MS,
  );

  it(
    'hands five parallel first GET /auth/csrf of a session one token, which works',
    async () => {
      for (let run = 0; run < ITERATIONS / 4; run++) {
        const agent = app.agent();
        await agent.put('/preferences').send({ theme: 'dark' }).expect(200);
        const answers = await Promise.all(
          Array.from({ length: 5 }, () => agent.get('/auth/csrf').expect(200)),
        );
        const tokens = answers.map((res) => res.body.csrfToken as string);
        expect(new Set(tokens).size).toBe(1);
        for (const token of tokens) {
          await agent
            .put('/preferences')
            .set('x-csrf-token', token)
            .send({ language: 'fr' })
            .expect(200);
        }
      }
    },
    LONG_RUN_MS,
  );
});
