import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import request from 'supertest';
import {
  AuthGuard,
  Roles,
  RolesGuard,
  SessionService,
  SessionUser,
  type SessionModuleOptions,
  type SessionPrincipal,
} from 'nest-session-kit';
import { SessionTestKit } from 'nest-session-kit/testing';
import { REDIS_URL } from './support/app-factory';
import { createLibraryApp } from './support/library-app';

@Controller()
class KitController {
  constructor(private readonly sessions: SessionService) {}

  @Get('me')
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal) {
    return { user };
  }

  @Get('admin')
  @UseGuards(AuthGuard, RolesGuard)
  @Roles('admin')
  admin() {
    return { ok: true };
  }

  @Post('notes')
  @UseGuards(AuthGuard)
  note() {
    return { saved: true };
  }

  @Post('rotate')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  rotate(@Req() req: Request) {
    return this.sessions.rotate(req);
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.sessions.logout(req, res);
  }
}

const STORES: [string, () => Partial<SessionModuleOptions>][] = [
  ['memory store', () => ({})],
  [
    'Redis store',
    () => ({ store: { type: 'redis', url: REDIS_URL, prefix: `test:${randomUUID()}:sess:` } }),
  ],
];

describe.each(STORES)('nest-session-kit/testing on the %s', (_name, store) => {
  let app: INestApplication;
  let kit: SessionTestKit;

  beforeAll(async () => {
    // CSRF as users get it: on, without a guard registered by the app.
    app = await createLibraryApp({ ...store(), csrf: {} }, [KitController]);
    kit = SessionTestKit.for(app);
  });
  afterAll(() => app.close());

  it('signs a principal in without a login route: its cookie passes AuthGuard', async () => {
    const session = await kit.signIn({ id: 'u-42', email: 'u@example.com', roles: ['user'] });
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Cookie', session.cookie)
      .expect(200);
    expect(res.body).toEqual({ user: { id: 'u-42', email: 'u@example.com', roles: ['user'] } });
  });

  it('signs in by roles alone, and RolesGuard sees them', async () => {
    const admin = await kit.signIn(['admin']);
    const user = await kit.signIn(['user']);
    expect(admin.user.id).not.toBe(user.user.id);
    await request(app.getHttpServer()).get('/admin').set('Cookie', admin.cookie).expect(200);
    await request(app.getHttpServer()).get('/admin').set('Cookie', user.cookie).expect(403);
  });

  it('gives the CSRF token with the cookie: a POST without it is 403, with it 201', async () => {
    const session = await kit.signIn(['user']);
    const server = app.getHttpServer();
    const refused = await request(server).post('/notes').set('Cookie', session.cookie).expect(403);
    expect(refused.body.code).toBe('CSRF_INVALID');
    await request(server).post('/notes').set(session.headers).expect(201);
  });

  it('gives a supertest agent that keeps the session and sends the CSRF token', async () => {
    const agent = await kit.agent(['admin']);
    await agent.get('/admin').expect(200);
    await agent.post('/notes').expect(201);
  });

  it('reads what is stored for a session', async () => {
    const session = await kit.signIn({ id: 'stored-1', roles: ['moderator'] });
    const stored = await kit.storedSession(session.cookie);
    expect(stored?.user).toEqual({ id: 'stored-1', roles: ['moderator'] });
    expect(stored?.auth?.authenticatedAt).toEqual(expect.any(Number));
    expect(stored?.csrfToken).toBe(session.csrfToken);
    expect(await kit.storedSession('sid=s%3Anot-a-signed-id.bad')).toBeNull();
  });

  it('asserts that a response changed the session id, and fails when it did not', async () => {
    const session = await kit.signIn(['user']);
    const rotated = await request(app.getHttpServer())
      .post('/rotate')
      .set(session.headers)
      .expect(204);
    expect(() => kit.expectSessionIdChanged(session.cookie, rotated)).not.toThrow();
    expect(kit.sessionIdOf(rotated)).not.toBe(session.sessionId);
    expect(() => kit.expectSessionIdChanged(session.cookie, session.cookie)).toThrow(
      /did not change/,
    );
    expect(() => kit.expectSessionIdChanged(session.cookie, 'other=1')).toThrow(
      /no session cookie/,
    );
  });

  it('signs a session in that logout ends: the store forgets it and the old cookie is 401', async () => {
    const session = await kit.signIn(['user']);
    const server = app.getHttpServer();
    const res = await request(server).post('/logout').set(session.headers).expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(/sid=;.*Expires=Thu, 01 Jan 1970/);
    expect(await kit.storedSession(session.cookie)).toBeNull();
    await request(server).get('/me').set('Cookie', session.cookie).expect(401);
  });
});
