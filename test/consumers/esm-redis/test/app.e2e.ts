import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createClient } from 'redis';
import request from 'supertest';
import { RedisSessionStore, SESSION_STORE } from 'nest-session-kit';
import { SessionTestKit } from 'nest-session-kit/testing';
import { AppModule } from '../src/app.module.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `consumer:${randomUUID()}:sess:`;

function cookieOf(res: request.Response): string {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = cookies?.find((c) => c.startsWith('sid='));
  assert.ok(cookie, 'expected a session cookie');
  return cookie.split(';')[0];
}

describe('an ES-module app on Redis', () => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  const redis = createClient({ url: REDIS_URL });

  before(async () => {
    await redis.connect();
    app = await NestFactory.create(AppModule.forRedis(REDIS_URL, PREFIX), { logger: false });
    await app.init();
    server = app.getHttpServer();
  });
  after(async () => {
    await app.close();
    for await (const keys of redis.scanIterator({ MATCH: `*${PREFIX}*`, COUNT: 100 })) {
      if (keys.length > 0) await redis.del(keys);
    }
    await redis.close();
  });

  it('keeps its sessions in Redis', async () => {
    assert.ok(app.get(SESSION_STORE) instanceof RedisSessionStore);
    await request(server).post('/login').send({ name: 'ann' }).expect(200);
    const stored = [];
    for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 100 })) {
      stored.push(...keys);
    }
    assert.ok(stored.length >= 1);
  });

  it('answers an anonymous request to a guarded route with 401', async () => {
    const res = await request(server).get('/me').expect(401);
    assert.equal(res.body.code, 'AUTH_REQUIRED');
  });

  it('signs in (200 with a cookie), then the guarded route is 200', async () => {
    const login = await request(server).post('/login').send({ name: 'bo' }).expect(200);
    const me = await request(server).get('/me').set('Cookie', cookieOf(login)).expect(200);
    assert.deepEqual(me.body.user, { id: 'bo', roles: ['user'] });
  });

  it("answers @Auth('admin') with 403 to a user, 200 to an admin", async () => {
    const user = await request(server).post('/login').send({ name: 'u' }).expect(200);
    const res = await request(server).get('/admin').set('Cookie', cookieOf(user)).expect(403);
    assert.equal(res.body.code, 'INSUFFICIENT_PERMISSIONS');
    const admin = await request(server).post('/login').send({ name: 'a', admin: true });
    await request(server).get('/admin').set('Cookie', cookieOf(admin)).expect(200);
  });

  it('refuses a POST without the CSRF token with 403; with it, the typed helpers work', async () => {
    const login = await request(server).post('/login').send({ name: 'cy' }).expect(200);
    const cookie = cookieOf(login);
    const refused = await request(server)
      .post('/cart')
      .set('Cookie', cookie)
      .send({ productId: 'p1' })
      .expect(403);
    assert.equal(refused.body.code, 'CSRF_INVALID');
    await request(server)
      .post('/cart')
      .set('Cookie', cookie)
      .set('x-csrf-token', login.body.csrfToken)
      .send({ productId: 'p1' })
      .expect(201);
    const me = await request(server).get('/me').set('Cookie', cookie).expect(200);
    assert.deepEqual(me.body.flash, [{ type: 'success', message: 'Added p1' }]);
  });

  it('logs out: the cookie is cleared, the session is gone and the old cookie gets 401', async () => {
    const login = await request(server).post('/login').send({ name: 'di' }).expect(200);
    const cookie = cookieOf(login);
    const kit = SessionTestKit.for(app);
    assert.ok(await kit.storedSession(cookie));
    const out = await request(server)
      .post('/logout')
      .set('Cookie', cookie)
      .set('x-csrf-token', login.body.csrfToken)
      .expect(204);
    assert.match(String(out.headers['set-cookie']), /sid=;.*Expires=Thu, 01 Jan 1970/);
    assert.equal(await kit.storedSession(cookie), null);
    await request(server).get('/me').set('Cookie', cookie).expect(401);
  });

  it('signs in from a test with a supertest agent, and sees the id change at login', async () => {
    const kit = SessionTestKit.for(app);
    const agent = await kit.agent(['admin']);
    await agent.get('/admin').expect(200);
    const anonymous = await request(server).post('/login').send({ name: 'ed' }).expect(200);
    const again = await request(server)
      .post('/login')
      .set('Cookie', cookieOf(anonymous))
      .set('x-csrf-token', anonymous.body.csrfToken)
      .send({ name: 'ed' })
      .expect(200);
    kit.expectSessionIdChanged(anonymous, again);
  });
});
