import type { Response } from 'supertest';
import { createTestApp, PASSWORDS, STORES, type TestApp } from './support/app-factory';

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;

function csrfFieldOf(res: Response): string {
  const token = CSRF_FIELD.exec(res.text)?.[1];
  if (!token) throw new Error('no _csrf field in the page');
  return token;
}

describe.each(STORES)('the pages over HTTP on the %s', (_name, storeEnv) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(storeEnv());
  });
  afterAll(() => app.close());

  it('serves the pages as HTML that allows no script and is never cached, keeping the origin on form posts', async () => {
    for (const path of ['/', '/login', '/shop']) {
      const res = await app.agent().get(path).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).not.toContain('script-src');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.text).toMatch(/^<!doctype html>/);
      expect(res.text).toContain('<h1>');
    }
    const css = await app.agent().get('/assets/pages.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('signs in through the form with the _csrf field, and refuses a form post without it', async () => {
    const agent = app.agent();
    const token = csrfFieldOf(await agent.get('/login').expect(200));
    const form = { email: 'user@example.com', password: PASSWORDS['user@example.com'] };
    const refused = await agent.post('/login').type('form').send(form).expect(403);
    expect(refused.text).toContain('data-testid="forbidden"');
    await agent
      .post('/login')
      .type('form')
      .send({ ...form, _csrf: 'wrong' })
      .expect(403);
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send({ ...form, _csrf: token });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
    const account = await agent.get('/account').expect(200);
    expect(account.text).toContain('<dd data-testid="whoami">user@example.com</dd>');
    // The token changed with the session id at login: the old one no longer works.
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(403);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFieldOf(account) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    const after = await agent.get('/account');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login');
  });

  it('keeps the JSON API at JSON only and the form routes at urlencoded only', async () => {
    const json = await app
      .agent()
      .post('/auth/login')
      .type('form')
      .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
      .expect(415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await app
      .agent()
      .post('/login')
      .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
      .expect(415);
    expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a form post from another origin', async () => {
    const res = await app
      .agent()
      .post('/login')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ email: 'user@example.com', password: PASSWORDS['user@example.com'] })
      .expect(403);
    expect(res.text).toContain('data-testid="forbidden"');
  });

  it('escapes what the visitor typed when it shows it again', async () => {
    const agent = app.agent();
    const token = csrfFieldOf(await agent.get('/login').expect(200));
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, email: '"><script>alert(1)</script>', password: 'x' })
      .expect(401);
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('ignores repeated or unknown fields and refuses too many of them', async () => {
    const agent = app.agent();
    const token = csrfFieldOf(await agent.get('/shop').expect(200));
    const repeated = await agent
      .post('/shop/cart')
      .type('form')
      .send(`_csrf=${encodeURIComponent(token)}&productId=mouse&productId=keyboard`);
    expect(repeated.status).toBe(303);
    expect((await agent.get('/cart').expect(200)).body.count).toBe(0);
    const fields = Array.from({ length: 30 }, (_, i) => `f${i}=x`).join('&');
    const tooMany = await agent.post('/shop/cart').type('form').send(fields).expect(413);
    expect(tooMany.body.code).toBe('PAYLOAD_TOO_LARGE');
    const added = await agent
      .post('/shop/cart')
      .type('form')
      .send({ _csrf: token, productId: 'mouse', extra: 'ignored' });
    expect(added.status).toBe(303);
    expect((await agent.get('/cart').expect(200)).body.count).toBe(1);
  });

  it('sends anonymous visitors of private pages to /login and gives non-admins the 403 page', async () => {
    for (const path of ['/account', '/account/sessions', '/admin/dashboard']) {
      const res = await app.agent().get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
    }
    const agent = app.agent();
    const token = csrfFieldOf(await agent.get('/login').expect(200));
    await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: token,
        email: 'moderator@example.com',
        password: PASSWORDS['moderator@example.com'],
      })
      .expect(303);
    const denied = await agent.get('/admin/dashboard').expect(403);
    expect(denied.text).toContain('data-testid="forbidden"');
    expect(denied.text).not.toContain('chart-dau');
  });
});
