import request from 'supertest';
import {
  createTestApp,
  csrfTokenOf,
  PASSWORDS,
  signIn,
  STORES,
  type SignedIn,
  type TestApp,
} from './support/app-factory';

interface GraphQLError {
  message: string;
  path?: string[];
  extensions: { code: string; statusCode?: number; [key: string]: unknown };
}

interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

const ME = 'query { me { id email roles } }';
const ADMIN_USERS = 'query { adminUsers { id email roles } }';
const UPDATE_POST = `mutation ($id: ID!, $title: String) {
  updatePost(id: $id, title: $title) { id ownerId title body }
}`;
const ADD_TO_CART = `mutation ($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { items { productId quantity subtotal } total count }
}`;

function graphql(
  agent: request.Agent | ReturnType<typeof request>,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return (agent as request.Agent)
    .post('/graphql')
    .set('content-type', 'application/json')
    .set(headers)
    .send({ query, variables });
}

async function reply(test: request.Test): Promise<GraphQLReply> {
  const res = await test;
  expect(res.status).toBe(200);
  return res.body as GraphQLReply;
}

function codesOf(body: GraphQLReply): string[] {
  return (body.errors ?? []).map((e) => e.extensions.code);
}

describe.each(STORES)('GraphQL (Apollo) at POST /graphql on the %s', (_name, storeEnv) => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;
  beforeAll(async () => {
    app = await createTestApp(storeEnv());
    alice = await signIn(app, 'alice@example.com');
    bob = await signIn(app, 'bob@example.com');
    admin = await signIn(app, 'admin@example.com');
  });
  afterAll(() => app.close());

  async function alicesPost(): Promise<string> {
    const res = await alice.agent
      .post('/posts')
      .set('x-csrf-token', alice.csrfToken)
      .send({ title: 'Original', body: 'By Alice' })
      .expect(201);
    return res.body.id as string;
  }

  it('me: AUTH_REQUIRED for an anonymous caller, as the REST route; the user when signed in', async () => {
    const anonymous = await reply(graphql(request(app.server), ME));
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors).toEqual([
      expect.objectContaining({
        path: ['me'],
        extensions: expect.objectContaining({ code: 'AUTH_REQUIRED', statusCode: 401 }),
      }),
    ]);
    const signedIn = await reply(graphql(alice.agent, ME));
    expect(signedIn).toEqual({ data: { me: alice.user } });
  });

  it('adminUsers: INSUFFICIENT_PERMISSIONS with requiredRoles and userRoles below admin', async () => {
    const denied = await reply(graphql(alice.agent, ADMIN_USERS));
    expect(denied.errors?.[0].extensions).toEqual({
      code: 'INSUFFICIENT_PERMISSIONS',
      statusCode: 403,
      requiredRoles: ['admin'],
      userRoles: ['user'],
    });
    const allowed = await reply(graphql(admin.agent, ADMIN_USERS));
    const emails = (allowed.data?.adminUsers as { email: string }[]).map((u) => u.email);
    expect(emails).toEqual(expect.arrayContaining(['alice@example.com', 'admin@example.com']));
    expect(JSON.stringify(allowed)).not.toMatch(/hash|password/i);
  });

  it('updatePost: the owner may, another user gets ACCESS_DENIED, an admin may, none is RESOURCE_NOT_FOUND', async () => {
    const id = await alicesPost();
    const mine = await reply(
      graphql(
        alice.agent,
        UPDATE_POST,
        { id, title: 'Edited' },
        { 'x-csrf-token': alice.csrfToken },
      ),
    );
    expect(mine.data?.updatePost).toMatchObject({ id, title: 'Edited', body: 'By Alice' });
    const theirs = await reply(
      graphql(bob.agent, UPDATE_POST, { id, title: 'Hijack' }, { 'x-csrf-token': bob.csrfToken }),
    );
    expect(codesOf(theirs)).toEqual(['ACCESS_DENIED']);
    const byAdmin = await reply(
      graphql(
        admin.agent,
        UPDATE_POST,
        { id, title: 'Moderated' },
        { 'x-csrf-token': admin.csrfToken },
      ),
    );
    expect(byAdmin.data?.updatePost).toMatchObject({ title: 'Moderated' });
    const missing = await reply(
      graphql(
        alice.agent,
        UPDATE_POST,
        { id: '00000000-0000-4000-8000-000000000000', title: 'x' },
        { 'x-csrf-token': alice.csrfToken },
      ),
    );
    expect(codesOf(missing)).toEqual(['RESOURCE_NOT_FOUND']);
    const rest = await alice.agent.get(`/posts/${id}`).expect(200);
    expect(rest.body.title).toBe('Moderated');
  });

  it('post(id): null for none, the post for a signed-in user, AUTH_REQUIRED anonymous', async () => {
    const id = await alicesPost();
    const query = 'query ($id: ID!) { post(id: $id) { id ownerId title } }';
    expect((await reply(graphql(bob.agent, query, { id }))).data?.post).toMatchObject({ id });
    expect(
      (await reply(graphql(bob.agent, query, { id: '00000000-0000-4000-8000-000000000000' }))).data,
    ).toEqual({ post: null });
    expect(codesOf(await reply(graphql(request(app.server), query, { id })))).toEqual([
      'AUTH_REQUIRED',
    ]);
  });

  it('a mutation over a cookie session needs x-csrf-token (CSRF_INVALID); a query does not', async () => {
    const id = await alicesPost();
    const without = await reply(graphql(alice.agent, UPDATE_POST, { id, title: 'No token' }));
    expect(codesOf(without)).toEqual(['CSRF_INVALID']);
    const wrong = await reply(
      graphql(alice.agent, UPDATE_POST, { id, title: 'Bad' }, { 'x-csrf-token': 'nope' }),
    );
    expect(codesOf(wrong)).toEqual(['CSRF_INVALID']);
    const rest = await alice.agent.get(`/posts/${id}`).expect(200);
    expect(rest.body.title).toBe('Original');
    expect((await reply(graphql(alice.agent, ME))).errors).toBeUndefined();
  });

  it('a mutation from a foreign Origin is refused', async () => {
    const res = await reply(
      graphql(
        request(app.server),
        ADD_TO_CART,
        { productId: 'keyboard', quantity: 1 },
        {
          origin: 'https://evil.example',
        },
      ),
    );
    expect(codesOf(res)).toEqual(['CSRF_INVALID']);
  });

  it('addToCart writes the session before the response: the REST cart sees it at once', async () => {
    const agent = app.agent();
    const csrfToken = await csrfTokenOf(agent);
    const added = await reply(
      graphql(
        agent,
        ADD_TO_CART,
        { productId: 'keyboard', quantity: 2 },
        { 'x-csrf-token': csrfToken },
      ),
    );
    expect(added.data?.addToCart).toMatchObject({
      items: [{ productId: 'keyboard', quantity: 2, subtotal: expect.any(Number) }],
      count: 2,
    });
    const cart = await agent.get('/cart').expect(200);
    expect(cart.body).toMatchObject({ count: 2, items: [{ productId: 'keyboard', quantity: 2 }] });
  });

  it('addToCart keeps the REST rules: PRODUCT_NOT_FOUND, INSUFFICIENT_STOCK, VALIDATION_FAILED', async () => {
    const agent = app.agent();
    const csrfToken = await csrfTokenOf(agent);
    const headers = { 'x-csrf-token': csrfToken };
    const unknown = await reply(
      graphql(agent, ADD_TO_CART, { productId: 'nope', quantity: 1 }, headers),
    );
    expect(codesOf(unknown)).toEqual(['PRODUCT_NOT_FOUND']);
    const tooMany = await reply(
      graphql(agent, ADD_TO_CART, { productId: 'keyboard', quantity: 1_000_000 }, headers),
    );
    expect(codesOf(tooMany)).toEqual(['INSUFFICIENT_STOCK']);
    expect(tooMany.errors?.[0].extensions.available).toEqual(expect.any(Number));
    const invalid = await reply(
      graphql(agent, ADD_TO_CART, { productId: 'keyboard', quantity: 0 }, headers),
    );
    expect(codesOf(invalid)).toEqual(['VALIDATION_FAILED']);
  });

  it('a header session needs no CSRF token on a mutation', async () => {
    const login = await request(app.server)
      .post('/auth/token')
      .send({ email: 'bob@example.com', password: PASSWORDS['bob@example.com'] })
      .expect(200);
    const auth = { authorization: `Bearer ${login.body.token}` };
    const me = await reply(graphql(request(app.server), ME, {}, auth));
    expect(me.data?.me).toMatchObject({ email: 'bob@example.com' });
    const added = await reply(
      graphql(request(app.server), ADD_TO_CART, { productId: 'mouse', quantity: 1 }, auth),
    );
    expect(added.errors).toBeUndefined();
  });

  it('answers no stack traces and no internals in errors', async () => {
    const bad = await request(app.server)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send({ query: 'query { nope }' });
    expect(JSON.stringify(bad.body)).not.toMatch(/stacktrace|at .*\.js|node_modules/);
    const denied = await reply(graphql(request(app.server), ME));
    expect(JSON.stringify(denied)).not.toMatch(/stacktrace|originalError|node_modules/);
  });
});
