import { randomUUID } from 'node:crypto';
import {
  createTestApp,
  signInDemoUsers,
  STORES,
  type SignedIn,
  type TestApp,
  DEMO_EMAILS,
  errorBody,
} from './support/app-factory';

const CSRF = 'x-csrf-token';
const EMAILS = DEMO_EMAILS;
type Who = keyof typeof EMAILS;

const error = errorBody;

describe.each(STORES)('posts on the %s', (_name, env) => {
  let app: TestApp;
  let as: Record<Who, SignedIn>;

  beforeAll(async () => {
    app = await createTestApp(env());
    as = await signInDemoUsers(app);
  });
  afterAll(() => app.close());

  /** A new post by `who`, checked for the 201 shape. */
  async function createPost(who: Who, title = 'A title', body = 'A body') {
    const { agent, csrfToken, user } = as[who];
    const res = await agent.post('/posts').set(CSRF, csrfToken).send({ title, body }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), ownerId: user.id, title, body });
    return res.body as { id: string; ownerId: string; title: string; body: string };
  }

  function patch(who: Who, id: string, body: object) {
    return as[who].agent.patch(`/posts/${id}`).set(CSRF, as[who].csrfToken).send(body);
  }

  function remove(who: Who, id: string) {
    return as[who].agent.delete(`/posts/${id}`).set(CSRF, as[who].csrfToken);
  }

  describe('POST /posts', () => {
    it('creates a post owned by the signed-in user: 201 {id, ownerId, title, body}', async () => {
      const post = await createPost('alice', 'Hello', 'First post');
      expect(post.ownerId).toBe(as.alice.user.id);
      const again = await as.alice.agent.get(`/posts/${post.id}`).expect(200);
      expect(again.body).toEqual(post);
    });

    it('gives every post its own id', async () => {
      const a = await createPost('bob');
      const b = await createPost('bob');
      expect(a.id).not.toBe(b.id);
    });

    it('puts Cache-Control: no-store on the response', async () => {
      const res = await as.alice.agent
        .post('/posts')
        .set(CSRF, as.alice.csrfToken)
        .send({ title: 't', body: 'b' })
        .expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers 401 AUTH_REQUIRED to an anonymous client', async () => {
      const res = await app.agent().post('/posts').send({ title: 't', body: 'b' }).expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
    });

    it('answers 403 CSRF_INVALID without the CSRF token, and creates nothing', async () => {
      const before = await as.moderator.agent.get('/moderation/queue').expect(200);
      const res = await as.alice.agent
        .post('/posts')
        .send({ title: 'no token', body: 'b' })
        .expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      const after = await as.moderator.agent.get('/moderation/queue').expect(200);
      expect(after.body.items[0]).toEqual(before.body.items[0]);
    });

    it('answers 403 CSRF_INVALID with a wrong token or another session’s token', async () => {
      for (const token of ['wrong', as.bob.csrfToken]) {
        const res = await as.alice.agent
          .post('/posts')
          .set(CSRF, token)
          .send({ title: 't', body: 'b' })
          .expect(403);
        expect(res.body.code).toBe('CSRF_INVALID');
      }
    });

    it.each([
      ['no fields', {}, ['title', 'body']],
      ['no title', { body: 'b' }, ['title']],
      ['no body', { title: 't' }, ['body']],
      ['an empty title', { title: '', body: 'b' }, ['title']],
      ['a blank title', { title: '   ', body: 'b' }, ['title']],
      ['a title too long', { title: 'x'.repeat(201), body: 'b' }, ['title']],
      ['a body too long', { title: 't', body: 'x'.repeat(10_001) }, ['body']],
      ['a number as title', { title: 42, body: 'b' }, ['title']],
      ['null as body', { title: 't', body: null }, ['body']],
      ['an object as body', { title: 't', body: { html: '<p>' } }, ['body']],
    ])('answers 400 VALIDATION_FAILED to %s', async (_case, payload, fields) => {
      const res = await as.alice.agent
        .post('/posts')
        .set(CSRF, as.alice.csrfToken)
        .send(payload)
        .expect(400);
      expect(res.body).toEqual({ ...error(400, 'VALIDATION_FAILED'), errors: expect.any(Object) });
      expect(Object.keys(res.body.errors).sort()).toEqual([...fields].sort());
      for (const field of fields) expect(res.body.errors[field]).toEqual(expect.any(Array));
    });

    it('accepts the longest title and body allowed', async () => {
      await createPost('alice', 'x'.repeat(200), 'y'.repeat(10_000));
    });

    it.each([
      ['ownerId', { ownerId: 'u-bob' }],
      ['id', { id: randomUUID() }],
      ['an unknown field', { published: true }],
    ])('refuses %s in the body: 400 VALIDATION_FAILED naming it', async (_case, extra) => {
      const res = await as.alice.agent
        .post('/posts')
        .set(CSRF, as.alice.csrfToken)
        .send({ title: 't', body: 'b', ...extra })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(res.body.errors)).toEqual(Object.keys(extra));
    });

    it('answers 415 to a body that is not JSON', async () => {
      const res = await as.alice.agent
        .post('/posts')
        .set(CSRF, as.alice.csrfToken)
        .set('Content-Type', 'text/plain')
        .send('title=t&body=b')
        .expect(415);
      expect(res.body.statusCode).toBe(415);
      expect(res.body.code).toEqual(expect.any(String));
    });
  });

  describe('GET /posts/:id', () => {
    it('shows any post to any signed-in user', async () => {
      const post = await createPost('alice');
      for (const who of Object.keys(EMAILS) as Who[]) {
        const res = await as[who].agent.get(`/posts/${post.id}`).expect(200);
        expect(res.body).toEqual(post);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('answers 401 AUTH_REQUIRED to an anonymous client', async () => {
      const post = await createPost('alice');
      const res = await app.agent().get(`/posts/${post.id}`).expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
    });

    it.each([
      ['an unknown id', () => randomUUID()],
      ['a malformed id', () => 'not-a-post-id'],
      ['an id in upper case', () => randomUUID().toUpperCase()],
      ['a prototype key', () => '__proto__'],
    ])('answers 404 RESOURCE_NOT_FOUND to %s', async (_case, id) => {
      const res = await as.alice.agent.get(`/posts/${encodeURIComponent(id())}`).expect(404);
      expect(res.body).toEqual(error(404, 'RESOURCE_NOT_FOUND'));
    });
  });

  describe('PATCH /posts/:id', () => {
    it('lets the owner change the title only, keeping the body: 200 with the post', async () => {
      const post = await createPost('alice', 'Old', 'Body stays');
      const res = await patch('alice', post.id, { title: 'New' }).expect(200);
      expect(res.body).toEqual({ ...post, title: 'New' });
      expect(res.headers['cache-control']).toBe('no-store');
      const read = await as.bob.agent.get(`/posts/${post.id}`).expect(200);
      expect(read.body).toEqual({ ...post, title: 'New' });
    });

    it('lets the owner change both fields', async () => {
      const post = await createPost('alice');
      const res = await patch('alice', post.id, { title: 'T2', body: 'B2' }).expect(200);
      expect(res.body).toEqual({ ...post, title: 'T2', body: 'B2' });
    });

    it.each(['bob', 'user', 'moderator'] as Who[])(
      'answers 403 ACCESS_DENIED to %s, who does not own it, and changes nothing',
      async (who) => {
        const post = await createPost('alice');
        const res = await patch(who, post.id, { title: 'Hijacked' }).expect(403);
        expect(res.body).toEqual(error(403, 'ACCESS_DENIED'));
        const read = await as.alice.agent.get(`/posts/${post.id}`).expect(200);
        expect(read.body).toEqual(post);
      },
    );

    it.each(['admin', 'superadmin'] as Who[])(
      'lets %s edit a post of another user',
      async (who) => {
        const post = await createPost('alice');
        const res = await patch(who, post.id, { body: `moderated by ${who}` }).expect(200);
        expect(res.body).toEqual({ ...post, body: `moderated by ${who}` });
        expect(res.body.ownerId).toBe(as.alice.user.id);
      },
    );

    it('checks ownership before the body: a non-owner with a bad body still gets 403', async () => {
      const post = await createPost('alice');
      const res = await patch('bob', post.id, { title: '' }).expect(403);
      expect(res.body.code).toBe('ACCESS_DENIED');
    });

    it('answers 401 AUTH_REQUIRED to an anonymous client, existing post or not', async () => {
      const post = await createPost('alice');
      for (const id of [post.id, randomUUID()]) {
        const res = await app.agent().patch(`/posts/${id}`).send({ title: 'x' }).expect(401);
        expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
      }
    });

    it('answers 404 RESOURCE_NOT_FOUND to an unknown or malformed id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', '12345']) {
        const res = await patch('alice', id, { title: 'x' }).expect(404);
        expect(res.body).toEqual(error(404, 'RESOURCE_NOT_FOUND'));
      }
    });

    it('answers 403 CSRF_INVALID to the owner without the token', async () => {
      const post = await createPost('alice');
      const res = await as.alice.agent.patch(`/posts/${post.id}`).send({ title: 'x' }).expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      const read = await as.alice.agent.get(`/posts/${post.id}`).expect(200);
      expect(read.body).toEqual(post);
    });

    it.each([
      ['an empty title', { title: '' }, 'title'],
      ['null as title', { title: null }, 'title'],
      ['a blank body', { body: ' \n ' }, 'body'],
      ['a body too long', { body: 'x'.repeat(10_001) }, 'body'],
      ['a number as body', { body: 7 }, 'body'],
      ['ownerId', { ownerId: 'u-bob' }, 'ownerId'],
      ['id', { id: randomUUID() }, 'id'],
    ])('answers 400 VALIDATION_FAILED to %s', async (_case, payload, field) => {
      const post = await createPost('alice');
      const res = await patch('alice', post.id, payload).expect(400);
      expect(res.body).toEqual({ ...error(400, 'VALIDATION_FAILED'), errors: expect.any(Object) });
      expect(Object.keys(res.body.errors)).toEqual([field]);
      const read = await as.alice.agent.get(`/posts/${post.id}`).expect(200);
      expect(read.body).toEqual(post);
    });
  });

  describe('DELETE /posts/:id', () => {
    it('lets the owner delete: 204, empty body, then 404', async () => {
      const post = await createPost('alice');
      const res = await remove('alice', post.id).expect(204);
      expect(res.text).toBe('');
      const gone = await as.alice.agent.get(`/posts/${post.id}`).expect(404);
      expect(gone.body.code).toBe('RESOURCE_NOT_FOUND');
      const again = await remove('alice', post.id).expect(404);
      expect(again.body).toEqual(error(404, 'RESOURCE_NOT_FOUND'));
    });

    it.each(['bob', 'user', 'moderator'] as Who[])(
      'answers 403 ACCESS_DENIED to %s and keeps the post',
      async (who) => {
        const post = await createPost('alice');
        const res = await remove(who, post.id).expect(403);
        expect(res.body).toEqual(error(403, 'ACCESS_DENIED'));
        await as.alice.agent.get(`/posts/${post.id}`).expect(200);
      },
    );

    it.each(['admin', 'superadmin'] as Who[])(
      'lets %s delete a post of another user',
      async (who) => {
        const post = await createPost('bob');
        await remove(who, post.id).expect(204);
        await as.bob.agent.get(`/posts/${post.id}`).expect(404);
      },
    );

    it('lets an admin delete a post of a superadmin (admin and above act on any post)', async () => {
      const post = await createPost('superadmin');
      await remove('admin', post.id).expect(204);
    });

    it('answers 401 AUTH_REQUIRED to an anonymous client', async () => {
      const post = await createPost('alice');
      const res = await app.agent().delete(`/posts/${post.id}`).expect(401);
      expect(res.body).toEqual(error(401, 'AUTH_REQUIRED'));
      await as.alice.agent.get(`/posts/${post.id}`).expect(200);
    });

    it('answers 404 RESOURCE_NOT_FOUND to an unknown or malformed id, for any user', async () => {
      for (const who of ['alice', 'admin'] as Who[]) {
        for (const id of [randomUUID(), 'nope']) {
          const res = await remove(who, id).expect(404);
          expect(res.body).toEqual(error(404, 'RESOURCE_NOT_FOUND'));
        }
      }
    });

    it('answers 403 CSRF_INVALID without the token and keeps the post', async () => {
      const post = await createPost('alice');
      const res = await as.alice.agent.delete(`/posts/${post.id}`).expect(403);
      expect(res.body).toEqual(error(403, 'CSRF_INVALID'));
      await as.alice.agent.get(`/posts/${post.id}`).expect(200);
    });
  });
});
