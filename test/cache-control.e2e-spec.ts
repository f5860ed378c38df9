import { Controller, Get, Req, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import request from 'supertest';
import { createTestApp, signIn, STORES, type TestApp } from './support/app-factory';
import { createLibraryApp } from './support/library-app';
import { anonymousVisitor } from './support/visitor';

const ANONYMOUS_READS = ['/cart', '/preferences', '/history', '/products', '/auth/csrf', '/health'];

describe.each(STORES)('Cache-Control on the %s', (_name, env) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(env());
  });
  afterAll(() => app.close());

  it.each(ANONYMOUS_READS)('GET %s with an anonymous session: no-store', async (path) => {
    const visitor = await anonymousVisitor(app);
    const res = await visitor.agent.get(path);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('no-store on the response that creates the session, and on errors of a session', async () => {
    const created = await app.agent().get('/auth/csrf').expect(200);
    expect(created.headers['set-cookie']).toBeDefined();
    expect(created.headers['cache-control']).toBe('no-store');
    const visitor = await anonymousVisitor(app);
    const missing = await visitor.agent.get('/forms/no-such-form').expect(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    const refused = await visitor.agent.post('/cart/items').send({}).expect(403);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('no-store on writes of an anonymous session and on the logout that clears the cookie', async () => {
    const visitor = await anonymousVisitor(app);
    const added = await visitor.agent
      .post('/cart/items')
      .set('x-csrf-token', visitor.csrfToken)
      .send({ productId: 'mouse', quantity: 1 })
      .expect(201);
    expect(added.headers['cache-control']).toBe('no-store');
    const user = await signIn(app, 'user@example.com');
    const out = await user.agent.post('/auth/logout').set('x-csrf-token', user.csrfToken);
    expect(out.status).toBe(204);
    expect(out.headers['cache-control']).toBe('no-store');
  });
});

@Controller()
class CounterController {
  @Get('count')
  count(@Req() req: Request): { count: number } {
    const session = req.session as unknown as { count?: number };
    session.count = (session.count ?? 0) + 1;
    return { count: session.count };
  }

  @Get('plain')
  plain(): { ok: true } {
    return { ok: true };
  }
}

describe('the noStore option', () => {
  let apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  async function counterApp(noStore?: boolean) {
    const app = await createLibraryApp(noStore === undefined ? {} : { noStore }, [
      CounterController,
    ]);
    apps.push(app);
    return request.agent(app.getHttpServer());
  }

  it('is on by default: no-store once a session exists, not before', async () => {
    const agent = await counterApp();
    const none = await agent.get('/plain').expect(200);
    expect(none.headers['cache-control']).toBeUndefined();
    const first = await agent.get('/count').expect(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const later = await agent.get('/plain').expect(200);
    expect(later.headers['cache-control']).toBe('no-store');
  });

  it('can be turned off', async () => {
    const agent = await counterApp(false);
    await agent.get('/count').expect(200);
    const res = await agent.get('/count').expect(200);
    expect(res.body.count).toBe(2);
    expect(res.headers['cache-control']).toBeUndefined();
  });
});
