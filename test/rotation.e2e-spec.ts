import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Controller, Get, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import request from 'supertest';
import { SessionService, type SessionStoreOption } from 'nest-session-kit';
import { REDIS_URL, sessionIdFrom } from './support/app-factory';
import { sleep } from './support/timing';
import { createLibraryApp } from './support/library-app';

@Controller()
class RotationController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Req() req: Request) {
    await this.sessions.login(req, { id: 'u1', roles: ['user'] });
    return { csrfToken: req.session.csrfToken };
  }

  @Get('me')
  me(@Req() req: Request) {
    return { user: req.session.user ?? null, csrfToken: req.session.csrfToken ?? null };
  }
}

const stores: [string, () => SessionStoreOption][] = [
  ['memory store', () => ({ type: 'memory' })],
  ['Redis store', () => ({ type: 'redis', url: REDIS_URL, prefix: `test:${randomUUID()}:` })],
];

describe.each(stores)('periodic id rotation (rotateEvery) on the %s', (_name, store) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createLibraryApp({ store: store(), rotateEvery: 300 }, [RotationController]);
  });
  afterAll(() => app.close());

  it('gives the session a new id once due, keeping its data and CSRF token; the old id is dead', async () => {
    const server = app.getHttpServer() as Server;
    const login = await request(server).post('/login').expect(201);
    const firstCookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const early = await request(server).get('/me').set('Cookie', firstCookie).expect(200);
    expect(early.headers['set-cookie']).toBeUndefined();
    await sleep(400);
    const rotated = await request(server).get('/me').set('Cookie', firstCookie).expect(200);
    expect(rotated.body).toEqual({
      user: { id: 'u1', roles: ['user'] },
      csrfToken: login.body.csrfToken,
    });
    const newId = sessionIdFrom(rotated.headers['set-cookie']);
    expect(newId).toBeDefined();
    expect(newId).not.toBe(sessionIdFrom(login.headers['set-cookie']));
    const secondCookie = (rotated.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await request(server).get('/me').set('Cookie', secondCookie).expect(200, rotated.body);
    await request(server)
      .get('/me')
      .set('Cookie', firstCookie)
      .expect(200, { user: null, csrfToken: null });
  });
});
