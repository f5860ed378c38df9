import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import {
  SessionConfigurationError,
  SessionModule,
  type SessionModuleOptions,
} from 'nest-session-kit';
import { SessionTestKit } from 'nest-session-kit/testing';
import { AppModule } from '../src/app.module';

function cookieOf(res: request.Response): string {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = cookies?.find((c) => c.startsWith('sid='));
  assert.ok(cookie, 'expected a session cookie');
  return cookie.split(';')[0];
}

describe('a CommonJS app on the memory store', () => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;

  before(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
    server = app.getHttpServer();
  });
  after(() => app.close());

  it('has no redis, connect-redis or class-validator installed', () => {
    for (const name of ['redis', 'connect-redis', 'class-validator']) {
      assert.throws(() => require.resolve(name), /Cannot find module/, name);
    }
  });

  it('answers an anonymous request to a guarded route with 401', async () => {
    const res = await request(server).get('/me').expect(401);
    assert.equal(res.body.code, 'AUTH_REQUIRED');
  });

  it('signs in (200 with a cookie), then the guarded route is 200', async () => {
    const login = await request(server).post('/login').send({ name: 'ann' }).expect(200);
    const cookie = cookieOf(login);
    const me = await request(server).get('/me').set('Cookie', cookie).expect(200);
    assert.deepEqual(me.body.user, { id: 'ann', roles: ['user'] });
  });

  it("answers @Roles('admin') with 403 to a user, 200 to an admin", async () => {
    const user = cookieOf(await request(server).post('/login').send({ name: 'u' }).expect(200));
    const res = await request(server).get('/admin').set('Cookie', user).expect(403);
    assert.equal(res.body.code, 'INSUFFICIENT_PERMISSIONS');
    const admin = await request(server).post('/login').send({ name: 'a', admin: true });
    await request(server).get('/admin').set('Cookie', cookieOf(admin)).expect(200);
  });

  it('refuses a POST without the CSRF token with 403, and takes it with the token', async () => {
    const login = await request(server).post('/login').send({ name: 'bo' }).expect(200);
    const cookie = cookieOf(login);
    const res = await request(server)
      .post('/notes')
      .set('Cookie', cookie)
      .send({ text: 'hi' })
      .expect(403);
    assert.equal(res.body.code, 'CSRF_INVALID');
    await request(server)
      .post('/notes')
      .set('Cookie', cookie)
      .set('x-csrf-token', login.body.csrfToken)
      .send({ text: 'hi' })
      .expect(201);
  });

  it('logs out: the cookie is cleared and the old cookie gets 401', async () => {
    const login = await request(server).post('/login').send({ name: 'cy' }).expect(200);
    const cookie = cookieOf(login);
    const out = await request(server)
      .post('/logout')
      .set('Cookie', cookie)
      .set('x-csrf-token', login.body.csrfToken)
      .expect(204);
    const cleared = (out.headers['set-cookie'] as unknown as string[]).join('\n');
    assert.match(cleared, /sid=;.*Expires=Thu, 01 Jan 1970/);
    await request(server).get('/me').set('Cookie', cookie).expect(401);
  });

  it('signs an admin in from a test without the login route (nest-session-kit/testing)', async () => {
    const kit = SessionTestKit.for(app);
    const admin = await kit.signIn(['admin']);
    await request(server).get('/admin').set(admin.headers).expect(200);
    const stored = await kit.storedSession(admin.cookie);
    assert.deepEqual(stored?.user?.roles, ['admin']);
  });

  it('refuses a misspelt option at start-up, naming it and the option it nearly is', async () => {
    // What a forRootAsync factory returning untyped configuration can do.
    const options = { secret: 'x'.repeat(40), idleTimout: 60_000 } as SessionModuleOptions;
    @Module({ imports: [SessionModule.forRootAsync({ useFactory: () => options })] })
    class MisspeltModule {}
    await assert.rejects(
      NestFactory.create(MisspeltModule, { logger: false, abortOnError: false }),
      (err: unknown) =>
        err instanceof SessionConfigurationError &&
        err.option === 'idleTimout' &&
        err.message.includes('did you mean "idleTimeout"?'),
    );
  });

  it('refuses a misspelt option at compile time', () => {
    // @ts-expect-error idleTimout is not an option
    const options: SessionModuleOptions = { idleTimout: 1 };
    assert.ok(options);
  });
});
