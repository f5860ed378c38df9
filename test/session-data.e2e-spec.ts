import { createTestApp, signIn, STORES, type TestApp } from './support/app-factory';
import { anonymousVisitor, signInVisitor, type Visitor } from './support/visitor';

describe.each(STORES)('session data on the %s', (_name, env) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  describe('profile and flash messages', () => {
    it('POST /profile answers 303 to /profile, and GET /profile shows the flash once', async () => {
      const { agent, csrfToken } = await signIn(app, 'alice@example.com');
      const posted = await agent
        .post('/profile')
        .set('x-csrf-token', csrfToken)
        .send({ displayName: '  Alice A.  ' })
        .expect(303);
      expect(posted.headers.location).toBe('/profile');

      const first = await agent.get('/profile').expect(200);
      expect(first.body).toEqual({
        profile: {
          id: 'u-alice',
          email: 'alice@example.com',
          roles: ['user'],
          displayName: 'Alice A.',
        },
        flash: [{ type: 'success', message: expect.any(String) }],
      });
      const second = await agent.get('/profile').expect(200);
      expect(second.body.flash).toEqual([]);
      expect(second.body.profile.displayName).toBe('Alice A.');
    });

    it('answers 401 AUTH_REQUIRED to both routes when not signed in', async () => {
      expect((await app.agent().get('/profile').expect(401)).body.code).toBe('AUTH_REQUIRED');
      const res = await app.agent().post('/profile').send({ displayName: 'X' }).expect(401);
      expect(res.body.code).toBe('AUTH_REQUIRED');
    });

    it('answers 403 CSRF_INVALID without the token, and sets no flash', async () => {
      const { agent } = await signIn(app, 'bob@example.com');
      const res = await agent.post('/profile').send({ displayName: 'Bob' }).expect(403);
      expect(res.body.code).toBe('CSRF_INVALID');
      expect((await agent.get('/profile').expect(200)).body.flash).toEqual([]);
    });

    it.each([
      ['an empty name', { displayName: '   ' }],
      ['a name over 50 characters', { displayName: 'x'.repeat(51) }],
      ['no name', {}],
      ['a name that is not text', { displayName: 42 }],
      ['an unknown field', { displayName: 'Bob', role: 'admin' }],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, body) => {
      const { agent, csrfToken } = await signIn(app, 'bob@example.com');
      const res = await agent
        .post('/profile')
        .set('x-csrf-token', csrfToken)
        .send(body)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect((await agent.get('/profile').expect(200)).body.flash).toEqual([]);
    });
  });

  describe('preferences', () => {
    const DEFAULTS = { theme: 'system', language: 'en', pageSize: 20 };

    it('answers the defaults to a new visitor', async () => {
      const res = await app.agent().get('/preferences').expect(200);
      expect(res.body).toEqual(DEFAULTS);
    });

    it('changes only the preferences given, and keeps them', async () => {
      const visitor = await anonymousVisitor(app);
      const put = await visitor.agent
        .put('/preferences')
        .set('x-csrf-token', visitor.csrfToken)
        .send({ theme: 'dark', pageSize: 50 })
        .expect(200);
      expect(put.body).toEqual({ theme: 'dark', language: 'en', pageSize: 50 });
      await visitor.agent
        .put('/preferences')
        .set('x-csrf-token', visitor.csrfToken)
        .send({ language: 'pt-BR' })
        .expect(200);
      const res = await visitor.agent.get('/preferences').expect(200);
      expect(res.body).toEqual({ theme: 'dark', language: 'pt-BR', pageSize: 50 });
    });

    it('writes nothing when the values are already in effect: no session is created', async () => {
      const res = await app.agent().put('/preferences').send({ theme: 'system' }).expect(200);
      expect(res.body).toEqual(DEFAULTS);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('carries the preferences over at login', async () => {
      const visitor = await anonymousVisitor(app);
      await visitor.agent
        .put('/preferences')
        .set('x-csrf-token', visitor.csrfToken)
        .send({ theme: 'light' })
        .expect(200);
      await signInVisitor(visitor, 'user@example.com');
      expect((await visitor.agent.get('/preferences').expect(200)).body.theme).toBe('light');
    });

    it.each([
      ['an unknown theme', { theme: 'neon' }, 'theme'],
      ['a malformed language', { language: 'english' }, 'language'],
      ['a page size of 0', { pageSize: 0 }, 'pageSize'],
      ['a page size over 100', { pageSize: 101 }, 'pageSize'],
      ['a fractional page size', { pageSize: 2.5 }, 'pageSize'],
      ['an unknown preference', { fontSize: 12 }, 'fontSize'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, field) => {
      const visitor = await anonymousVisitor(app);
      const res = await visitor.agent
        .put('/preferences')
        .set('x-csrf-token', visitor.csrfToken)
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors[field]).toEqual(expect.any(Array));
      expect((await visitor.agent.get('/preferences').expect(200)).body).toEqual(DEFAULTS);
    });

    it('answers 403 CSRF_INVALID to a change without the token on a live session', async () => {
      const visitor = await anonymousVisitor(app);
      const res = await visitor.agent.put('/preferences').send({ theme: 'dark' }).expect(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });
  });

  describe('navigation history', () => {
    async function visit(visitor: Visitor, ...paths: string[]): Promise<void> {
      for (const path of paths) await visitor.agent.get(path).expect(200);
    }

    async function pages(visitor: Visitor): Promise<string[]> {
      const res = await visitor.agent.get('/history').expect(200);
      return res.body.pages as string[];
    }

    it('lists the distinct pages visited, newest first, without the query string', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/products', '/cart', '/products?page=2', '/preferences');
      expect(await pages(visitor)).toEqual(['/preferences', '/products', '/cart']);
    });

    it('counts a page visited twice in a row once', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/cart', '/cart', '/cart');
      expect(await pages(visitor)).toEqual(['/cart']);
    });

    it('keeps the last 10 (every GET route of the sample is a page)', async () => {
      const { agent, csrfToken } = await signIn(app, 'admin@example.com');
      for (const formId of ['checkout', 'signup', 'survey']) {
        await agent
          .put(`/forms/${formId}`)
          .set('x-csrf-token', csrfToken)
          .send({ step: 1, data: {} })
          .expect(200);
      }
      const visited = [
        '/products',
        '/cart',
        '/preferences',
        '/profile',
        '/auth/me',
        '/forms/checkout',
        '/forms/signup',
        '/forms/survey',
        '/admin/stats',
        '/admin/users',
        '/moderation/queue',
        '/auth/sessions',
        '/products',
      ];
      for (const path of visited) await agent.get(path).expect(200);
      expect(await pages({ agent, csrfToken })).toEqual([
        '/products',
        '/auth/sessions',
        '/moderation/queue',
        '/admin/users',
        '/admin/stats',
        '/forms/survey',
        '/forms/signup',
        '/forms/checkout',
        '/auth/me',
        '/profile',
      ]);
    });

    it('counts a path with a trailing slash as the same page', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/cart', '/cart/', '/history/');
      expect(await pages(visitor)).toEqual(['/cart']);
    });

    it('leaves out /history, /auth/csrf, /health, failed requests and writes', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/products', '/history', '/auth/csrf', '/health');
      await visitor.agent.get('/profile').expect(401);
      await visitor.agent.get('/forms/checkout').expect(404);
      await visitor.agent.delete('/cart').set('x-csrf-token', visitor.csrfToken).expect(200);
      expect(await pages(visitor)).toEqual(['/products']);
    });

    it('leaves out the API docs and their document', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/products', '/docs', '/docs-json');
      expect(await pages(visitor)).toEqual(['/products']);
    });

    it('counts a page answered 304 Not Modified as a visit', async () => {
      const visitor = await anonymousVisitor(app);
      const first = await visitor.agent.get('/products').expect(200);
      await visit(visitor, '/cart');
      await visitor.agent.get('/products').set('if-none-match', first.headers.etag).expect(304);
      expect(await pages(visitor)).toEqual(['/products', '/cart']);
    });

    it('starts no session for a visitor who had none: pages alone are not recorded', async () => {
      const agent = app.agent();
      const first = await agent.get('/products').expect(200);
      expect(first.headers['set-cookie']).toBeUndefined();
      await agent.get('/cart').expect(200);
      expect((await agent.get('/history').expect(200)).body).toEqual({ pages: [] });
    });

    it('answers an empty history to a new visitor', async () => {
      const res = await app.agent().get('/history').expect(200);
      expect(res.body).toEqual({ pages: [] });
    });

    it('carries the history over at login', async () => {
      const visitor = await anonymousVisitor(app);
      await visit(visitor, '/products', '/cart');
      await signInVisitor(visitor, 'user@example.com');
      expect(await pages(visitor)).toEqual(['/cart', '/products']);
    });
  });

  describe('multi-step forms', () => {
    function put({ agent, csrfToken }: Visitor, formId: string, body: object) {
      return agent.put(`/forms/${formId}`).set('x-csrf-token', csrfToken).send(body);
    }

    function submit({ agent, csrfToken }: Visitor, formId: string) {
      return agent.post(`/forms/${formId}/submit`).set('x-csrf-token', csrfToken);
    }

    it('saves steps, shows the draft, refuses an incomplete submission, then submits', async () => {
      const visitor = await anonymousVisitor(app);
      const first = await put(visitor, 'checkout', { step: 1, data: { city: 'Lyon' } }).expect(200);
      expect(first.body).toEqual({
        formId: 'checkout',
        totalSteps: 3,
        completedSteps: [1],
        steps: { '1': { city: 'Lyon' } },
        updatedAt: expect.any(Number),
      });
      await put(visitor, 'checkout', { step: 3, data: { card: 'visa' } }).expect(200);
      const draft = await visitor.agent.get('/forms/checkout').expect(200);
      expect(draft.body.completedSteps).toEqual([1, 3]);

      const incomplete = await submit(visitor, 'checkout').expect(400);
      expect(incomplete.body).toEqual({
        statusCode: 400,
        code: 'FORM_INCOMPLETE',
        message: expect.any(String),
        missingSteps: [2],
      });

      await put(visitor, 'checkout', { step: 2, data: { method: 'express' } }).expect(200);
      const submitted = await submit(visitor, 'checkout').expect(201);
      expect(submitted.body).toEqual({
        formId: 'checkout',
        submittedAt: expect.any(Number),
        steps: { '1': { city: 'Lyon' }, '2': { method: 'express' }, '3': { card: 'visa' } },
      });
      const gone = await visitor.agent.get('/forms/checkout').expect(404);
      expect(gone.body.code).toBe('FORM_DRAFT_NOT_FOUND');
    });

    it('replaces a step saved again, and keeps the other forms apart', async () => {
      const visitor = await anonymousVisitor(app);
      await put(visitor, 'signup', { step: 1, data: { email: 'a@example.com' } }).expect(200);
      await put(visitor, 'survey', { step: 1, data: { age: 30 } }).expect(200);
      const res = await put(visitor, 'signup', { step: 1, data: { email: 'b@example.com' } });
      expect(res.status).toBe(200);
      expect(res.body.steps).toEqual({ '1': { email: 'b@example.com' } });
      const survey = await visitor.agent.get('/forms/survey').expect(200);
      expect(survey.body.steps).toEqual({ '1': { age: 30 } });
    });

    it('discards a draft with DELETE and answers what it held', async () => {
      const visitor = await anonymousVisitor(app);
      await put(visitor, 'survey', { step: 2, data: { score: 9 } }).expect(200);
      const res = await visitor.agent
        .delete('/forms/survey')
        .set('x-csrf-token', visitor.csrfToken)
        .expect(200);
      expect(res.body).toMatchObject({ formId: 'survey', steps: { '2': { score: 9 } } });
      const again = await visitor.agent
        .delete('/forms/survey')
        .set('x-csrf-token', visitor.csrfToken)
        .expect(404);
      expect(again.body.code).toBe('FORM_DRAFT_NOT_FOUND');
    });

    it('answers FORM_INCOMPLETE listing every step when nothing was saved', async () => {
      const res = await submit(await anonymousVisitor(app), 'survey').expect(400);
      expect(res.body).toMatchObject({ code: 'FORM_INCOMPLETE', missingSteps: [1, 2] });
    });

    it('answers 404 FORM_NOT_FOUND for an unknown form on every route', async () => {
      const visitor = await anonymousVisitor(app);
      const responses = await Promise.all([
        put(visitor, 'nope', { step: 1, data: {} }),
        visitor.agent.get('/forms/nope'),
        visitor.agent.delete('/forms/nope').set('x-csrf-token', visitor.csrfToken),
        submit(visitor, 'nope'),
        visitor.agent.get('/forms/__proto__'),
      ]);
      for (const res of responses) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('FORM_NOT_FOUND');
      }
    });

    it.each([
      ['step 0', { step: 0, data: {} }, 'step'],
      ['a step past the last', { step: 4, data: {} }, 'step'],
      ['a fractional step', { step: 1.5, data: {} }, 'step'],
      ['no data', { step: 1 }, 'data'],
      ['data that is a list', { step: 1, data: ['a'] }, 'data'],
      ['data that is text', { step: 1, data: 'a' }, 'data'],
      ['an unknown field', { step: 1, data: {}, final: true }, 'final'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, field) => {
      const res = await put(await anonymousVisitor(app), 'checkout', body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors[field]).toEqual(expect.any(Array));
    });

    it('answers 413 SESSION_DATA_TOO_LARGE for a draft over 16 KB, keeping the draft', async () => {
      const visitor = await anonymousVisitor(app);
      await put(visitor, 'checkout', { step: 1, data: { city: 'Lyon' } }).expect(200);
      const res = await put(visitor, 'checkout', {
        step: 2,
        data: { notes: 'x'.repeat(17_000) },
      }).expect(413);
      expect(res.body).toEqual({
        statusCode: 413,
        code: 'SESSION_DATA_TOO_LARGE',
        message: expect.any(String),
      });
      expect((await visitor.agent.get('/forms/checkout').expect(200)).body.completedSteps).toEqual([
        1,
      ]);
    });

    it('answers 403 CSRF_INVALID to a write without the token on a live session', async () => {
      const visitor = await anonymousVisitor(app);
      await visitor.agent.put('/forms/checkout').send({ step: 1, data: {} }).expect(403);
      await visitor.agent.post('/forms/checkout/submit').expect(403);
    });
  });
});

describe('OpenAPI docs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('serves the UI at /docs', async () => {
    const res = await app.agent().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('documents the session-data routes, their DTOs and their error responses', async () => {
    const res = await app.agent().get('/docs-json').expect(200);
    const paths = Object.keys(res.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/products',
        '/cart',
        '/cart/items',
        '/cart/items/{productId}',
        '/profile',
        '/preferences',
        '/history',
        '/forms/{formId}',
        '/forms/{formId}/submit',
        '/admin/stats',
      ]),
    );
    const addItem = res.body.paths['/cart/items'].post;
    expect(Object.keys(addItem.responses)).toEqual(
      expect.arrayContaining(['201', '400', '404', '409']),
    );
    expect(res.body.components.schemas).toEqual(
      expect.objectContaining({
        AddCartItemDto: expect.any(Object),
        CartDto: expect.any(Object),
        ApiErrorDto: expect.any(Object),
        SessionStatsDto: expect.any(Object),
      }),
    );
  });
});
