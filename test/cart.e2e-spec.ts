import { createTestApp, STORES, type TestApp } from './support/app-factory';
import { anonymousVisitor, signInVisitor, type Visitor } from './support/visitor';

const CATALOGUE = [
  { id: 'keyboard', name: 'Mechanical keyboard', price: 8900, stock: 10 },
  { id: 'mouse', name: 'Wireless mouse', price: 2900, stock: 25 },
  { id: 'monitor', name: '27-inch monitor', price: 24900, stock: 3 },
  { id: 'webcam', name: 'HD webcam', price: 5900, stock: 5 },
  { id: 'headset', name: 'USB headset', price: 4900, stock: 0 },
];

describe.each(STORES)('products and cart on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  const visitor = () => anonymousVisitor(app);

  function add({ agent, csrfToken }: Visitor, body: object) {
    return agent.post('/cart/items').set('x-csrf-token', csrfToken).send(body);
  }

  function patch({ agent, csrfToken }: Visitor, productId: string, body: object) {
    return agent.patch(`/cart/items/${productId}`).set('x-csrf-token', csrfToken).send(body);
  }

  describe('GET /products', () => {
    it('lists the catalogue with prices in cents and stock', async () => {
      const res = await app.agent().get('/products').expect(200);
      expect(res.body).toEqual({ products: CATALOGUE });
    });
  });

  describe('GET /cart', () => {
    it('answers an empty cart to a new visitor without creating a session', async () => {
      const res = await app.agent().get('/cart').expect(200);
      expect(res.body).toEqual({ items: [], total: 0, count: 0 });
    });

    it('lists the items in the order they were added, with subtotals, total and count', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 2 }).expect(201);
      await add(shopper, { productId: 'keyboard', quantity: 1 }).expect(201);
      const res = await shopper.agent.get('/cart').expect(200);
      expect(res.body).toEqual({
        items: [
          { productId: 'mouse', name: 'Wireless mouse', price: 2900, quantity: 2, subtotal: 5800 },
          {
            productId: 'keyboard',
            name: 'Mechanical keyboard',
            price: 8900,
            quantity: 1,
            subtotal: 8900,
          },
        ],
        total: 14700,
        count: 3,
      });
    });
  });

  describe('POST /cart/items', () => {
    it('works before login, without a session (no CSRF token needed yet), and starts one', async () => {
      const agent = app.agent();
      const res = await agent
        .post('/cart/items')
        .send({ productId: 'webcam', quantity: 2 })
        .expect(201);
      expect(res.headers['set-cookie']).toBeDefined();
      expect(res.body).toEqual({
        items: [
          { productId: 'webcam', name: 'HD webcam', price: 5900, quantity: 2, subtotal: 11800 },
        ],
        total: 11800,
        count: 2,
      });
      expect((await agent.get('/cart').expect(200)).body.count).toBe(2);
    });

    it('refuses a write to a live session without the CSRF token (403 CSRF_INVALID)', async () => {
      const agent = app.agent();
      await agent.post('/cart/items').send({ productId: 'mouse', quantity: 1 }).expect(201);
      const res = await agent
        .post('/cart/items')
        .send({ productId: 'mouse', quantity: 1 })
        .expect(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });

    it('adds to the quantity of a product already in the cart', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 2 }).expect(201);
      const res = await add(shopper, { productId: 'mouse', quantity: 3 }).expect(201);
      expect(res.body.items).toEqual([
        expect.objectContaining({ productId: 'mouse', quantity: 5 }),
      ]);
    });

    it('answers 404 PRODUCT_NOT_FOUND for an unknown product', async () => {
      const res = await add(await visitor(), { productId: 'nope', quantity: 1 }).expect(404);
      expect(res.body).toEqual({
        statusCode: 404,
        code: 'PRODUCT_NOT_FOUND',
        message: expect.any(String),
      });
    });

    it('answers 409 INSUFFICIENT_STOCK with `available` past the stock', async () => {
      const res = await add(await visitor(), { productId: 'monitor', quantity: 4 }).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        code: 'INSUFFICIENT_STOCK',
        message: expect.any(String),
        available: 3,
      });
    });

    it('counts what the cart already holds against the stock, and keeps the cart as it was', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'monitor', quantity: 2 }).expect(201);
      const res = await add(shopper, { productId: 'monitor', quantity: 2 }).expect(409);
      expect(res.body.available).toBe(3);
      expect((await shopper.agent.get('/cart').expect(200)).body.count).toBe(2);
    });

    it('answers 409 with available 0 for a product out of stock', async () => {
      const res = await add(await visitor(), { productId: 'headset', quantity: 1 }).expect(409);
      expect(res.body.available).toBe(0);
    });

    it.each([
      ['a missing quantity', { productId: 'mouse' }, 'quantity'],
      ['a zero quantity', { productId: 'mouse', quantity: 0 }, 'quantity'],
      ['a fractional quantity', { productId: 'mouse', quantity: 1.5 }, 'quantity'],
      ['a quantity as text', { productId: 'mouse', quantity: '2' }, 'quantity'],
      ['a missing product id', { quantity: 1 }, 'productId'],
      ['a product id that is not text', { productId: 7, quantity: 1 }, 'productId'],
      ['an unknown field', { productId: 'mouse', quantity: 1, price: 1 }, 'price'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, field) => {
      const res = await add(await visitor(), body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors[field]).toEqual(expect.any(Array));
    });

    it('answers 415 to a body that is not JSON', async () => {
      const shopper = await visitor();
      const res = await shopper.agent
        .post('/cart/items')
        .set('x-csrf-token', shopper.csrfToken)
        .type('form')
        .send('productId=mouse&quantity=1')
        .expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('PATCH /cart/items/:productId', () => {
    it('sets the quantity', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      const res = await patch(shopper, 'mouse', { quantity: 4 }).expect(200);
      expect(res.body).toMatchObject({ total: 11600, count: 4 });
    });

    it('removes the product with quantity 0', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      await add(shopper, { productId: 'webcam', quantity: 1 }).expect(201);
      const res = await patch(shopper, 'mouse', { quantity: 0 }).expect(200);
      expect(res.body.items.map((item: { productId: string }) => item.productId)).toEqual([
        'webcam',
      ]);
    });

    it('answers 404 PRODUCT_NOT_FOUND for an unknown product', async () => {
      const res = await patch(await visitor(), 'nope', { quantity: 1 }).expect(404);
      expect(res.body.code).toBe('PRODUCT_NOT_FOUND');
    });

    it('answers 404 CART_ITEM_NOT_FOUND for a product not in the cart', async () => {
      const res = await patch(await visitor(), 'mouse', { quantity: 1 }).expect(404);
      expect(res.body.code).toBe('CART_ITEM_NOT_FOUND');
    });

    it('answers 409 INSUFFICIENT_STOCK past the stock and keeps the quantity', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'webcam', quantity: 1 }).expect(201);
      const res = await patch(shopper, 'webcam', { quantity: 6 }).expect(409);
      expect(res.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', available: 5 });
      expect((await shopper.agent.get('/cart').expect(200)).body.count).toBe(1);
    });

    it.each([[{ quantity: -1 }], [{}], [{ quantity: 'two' }], [{ quantity: 1, extra: true }]])(
      'answers 400 VALIDATION_FAILED for %p',
      async (body) => {
        const shopper = await visitor();
        await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
        const res = await patch(shopper, 'mouse', body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      },
    );
  });

  describe('DELETE /cart/items/:productId and DELETE /cart', () => {
    it('removes one product', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      await add(shopper, { productId: 'webcam', quantity: 1 }).expect(201);
      const res = await shopper.agent
        .delete('/cart/items/mouse')
        .set('x-csrf-token', shopper.csrfToken)
        .expect(200);
      expect(res.body).toMatchObject({ count: 1, total: 5900 });
    });

    it('answers the cart unchanged when the product is not in it', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      const res = await shopper.agent
        .delete('/cart/items/keyboard')
        .set('x-csrf-token', shopper.csrfToken)
        .expect(200);
      expect(res.body).toMatchObject({ count: 1 });
    });

    it('empties the cart', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      await add(shopper, { productId: 'webcam', quantity: 2 }).expect(201);
      const res = await shopper.agent
        .delete('/cart')
        .set('x-csrf-token', shopper.csrfToken)
        .expect(200);
      expect(res.body).toEqual({ items: [], total: 0, count: 0 });
      expect((await shopper.agent.get('/cart').expect(200)).body.count).toBe(0);
    });

    it('refuses both without the CSRF token on a live session', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'mouse', quantity: 1 }).expect(201);
      await shopper.agent.delete('/cart/items/mouse').expect(403);
      await shopper.agent.delete('/cart').expect(403);
      expect((await shopper.agent.get('/cart').expect(200)).body.count).toBe(1);
    });
  });

  describe('at login', () => {
    it('carries the anonymous cart into the new session', async () => {
      const shopper = await visitor();
      await add(shopper, { productId: 'keyboard', quantity: 2 }).expect(201);
      const { agent, csrfToken } = await signInVisitor(shopper, 'user@example.com');
      expect((await agent.get('/cart').expect(200)).body).toMatchObject({ count: 2 });
      await add({ agent, csrfToken }, { productId: 'mouse', quantity: 1 }).expect(201);
      expect((await agent.get('/cart').expect(200)).body).toMatchObject({ count: 3 });
    });
  });
});
