import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import request from 'supertest';
import { SessionRegistry, SessionService, type SessionStoreOption } from 'nest-session-kit';
import { REDIS_URL } from './support/app-factory';
import { sleep } from './support/timing';
import { createLibraryApp } from './support/library-app';
import { Gate } from './support/gate';

declare module 'express-session' {
  interface SessionData {
    note?: string;
  }
}

let gate = new Gate();

@Controller()
class SlowController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Req() req: Request) {
    await this.sessions.login(req, { id: 'u1', email: 'u1@example.com', roles: ['user'] });
    return { ok: true };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }

  @Get('slow-write')
  async slowWrite(@Req() req: Request) {
    gate.entered = true;
    await gate.opened;
    req.session.note = 'written after the revocation';
    return { ok: true };
  }

  @Get('note')
  note(@Req() req: Request) {
    return { note: req.session.note ?? null, user: req.session.user ?? null };
  }
}

const stores: [string, () => SessionStoreOption][] = [
  ['memory store', () => ({ type: 'memory' })],
  ['Redis store', () => ({ type: 'redis', url: REDIS_URL, prefix: `test:${randomUUID()}:` })],
];

describe.each(stores)('a dead session stays dead on the %s', (_name, store) => {
  let app: INestApplication;
  beforeEach(async () => {
    app = await createLibraryApp({ store: store() }, [SlowController]);
    gate = new Gate();
  });
  afterEach(() => app.close());

  it('a request in flight during a revocation does not write the session back', async () => {
    const agent = request.agent(app.getHttpServer() as Server);
    await agent.post('/login').expect(201);
    const inFlight = agent.get('/slow-write').then((res) => res.status);
    while (!gate.entered) await sleep(5);
    const registry = app.get(SessionRegistry);
    expect(await registry.revokeAllSessions('u1')).toBe(1);
    gate.open();
    expect(await inFlight).toBe(200);
    const after = await agent.get('/note').expect(200);
    expect(after.body).toEqual({ note: null, user: null });
    expect(await registry.listSessions('u1')).toEqual([]);
  });

  it('a request in flight during a logout in another tab does not resurrect the session', async () => {
    const server = app.getHttpServer() as Server;
    const login = await request(server).post('/login').expect(201);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const inFlight = request(server)
      .get('/slow-write')
      .set('Cookie', cookie)
      .then((r) => r.status);
    while (!gate.entered) await sleep(5);
    await request(server).post('/logout').set('Cookie', cookie).expect(204);
    gate.open();
    expect(await inFlight).toBe(200);
    await request(server)
      .get('/note')
      .set('Cookie', cookie)
      .expect(200, { note: null, user: null });
  });
});
