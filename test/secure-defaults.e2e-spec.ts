import { jest } from '@jest/globals';
import { Controller, Get, Logger, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import request from 'supertest';
import { SessionService, SkipCsrf, type SessionModuleOptions } from 'nest-session-kit';
import { cookieOf } from './support/app-factory';
import { createLibraryApp } from './support/library-app';

@Controller()
class FormsController {
  constructor(private readonly sessions: SessionService) {}

  @Get('token')
  async token(@Req() req: Request) {
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Post('write')
  write() {
    return { written: true };
  }

  @Post('webhook')
  @SkipCsrf()
  webhook() {
    return { received: true };
  }
}

async function appWith(options: Partial<SessionModuleOptions>): Promise<INestApplication> {
  return createLibraryApp(options, [FormsController]);
}

/** A live session's cookie and token. */
async function liveSession(app: INestApplication) {
  const res = await request(app.getHttpServer()).get('/token').expect(200);
  return { cookie: cookieOf(res), token: res.body.csrfToken as string };
}

describe('CSRF protection without registering a guard', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWith({ csrf: {} });
  });
  afterAll(() => app.close());

  it('refuses a POST on a live session without the token, and passes it with the token', async () => {
    const { cookie, token } = await liveSession(app);
    const server = app.getHttpServer();
    const res = await request(server).post('/write').set('Cookie', cookie).expect(403);
    expect(res.body).toEqual({
      statusCode: 403,
      code: 'CSRF_INVALID',
      message: expect.any(String),
    });
    await request(server).post('/write').set('Cookie', cookie).set('x-csrf-token', 'x').expect(403);
    await request(server)
      .post('/write')
      .set('Cookie', cookie)
      .set('x-csrf-token', token)
      .expect(201);
  });

  it('refuses a cross-origin POST even without a session', async () => {
    await request(app.getHttpServer())
      .post('/write')
      .set('Origin', 'https://evil.example')
      .expect(403);
  });

  it('lets @SkipCsrf() routes through', async () => {
    const { cookie } = await liveSession(app);
    await request(app.getHttpServer()).post('/webhook').set('Cookie', cookie).expect(201);
  });
});

describe('csrf: false', () => {
  it('turns CSRF protection off', async () => {
    const app = await appWith({ csrf: false });
    try {
      const { cookie } = await liveSession(app);
      await request(app.getHttpServer()).post('/write').set('Cookie', cookie).expect(201);
    } finally {
      await app.close();
    }
  });
});

describe('Secure cookies over plain HTTP without proxy trust', () => {
  it('logs one warning instead of failing silently', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await appWith({ cookie: { secure: true }, name: 'app.sid' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(app.getHttpServer()).get('/token').expect(200);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const plainHttp = warn.mock.calls.filter(([message]) => /plain HTTP/.test(String(message)));
      expect(plainHttp).toHaveLength(1);
      expect(String(plainHttp[0][0])).toMatch(/trustProxy/);
    } finally {
      warn.mockRestore();
      await app.close();
    }
  });

  it('stays quiet when the trusted proxy says the request came over HTTPS', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await appWith({ cookie: { secure: true }, name: 'app.sid', trustProxy: 1 });
    try {
      const res = await request(app.getHttpServer())
        .get('/token')
        .set('X-Forwarded-Proto', 'https')
        .expect(200);
      expect(String(res.headers['set-cookie'])).toMatch(/app\.sid=.*Secure/);
      expect(warn.mock.calls.filter(([m]) => /plain HTTP/.test(String(m)))).toHaveLength(0);
    } finally {
      warn.mockRestore();
      await app.close();
    }
  });
});
