import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Controller, Get, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData, Store } from 'express-session';
import request from 'supertest';
import {
  SESSION_STORE,
  SessionRegistry,
  SessionService,
  type SessionStoreOption,
} from 'nest-session-kit';
import { REDIS_URL, sessionIdFrom } from './support/app-factory';
import { sleep } from './support/timing';
import { createLibraryApp } from './support/library-app';

@Controller()
class RaceController {
  constructor(
    private readonly sessions: SessionService,
    private readonly registry: SessionRegistry,
  ) {}

  @Post('login')
  async login(@Req() req: Request) {
    await this.sessions.login(req, { id: 'racer', roles: ['user'] });
    return { ok: true };
  }

  @Get('me')
  me(@Req() req: Request) {
    return { user: req.session.user?.id ?? null };
  }

  @Get('sessions')
  list() {
    return this.registry.listSessions('racer');
  }
}

/** Holds every read of the store until `parties` reads have arrived, so the requests overlap. */
function holdReads(store: Store, parties: number): void {
  const get = store.get.bind(store);
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  store.get = (sid: string, callback: (err: unknown, session?: SessionData | null) => void) => {
    get(sid, (err, data) => {
      if (++arrived >= parties) release();
      void all.then(() => callback(err, data));
    });
  };
}

const stores: [string, () => SessionStoreOption][] = [
  ['memory store', () => ({ type: 'memory' })],
  ['Redis store', () => ({ type: 'redis', url: REDIS_URL, prefix: `race:${randomUUID()}:` })],
];

describe.each(stores)('two requests rotating one session at once, on the %s', (_name, store) => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await createLibraryApp({ store: store(), rotateEvery: 200 }, [RaceController]);
  });
  afterEach(() => app.close());

  it('give it one successor: one handle listed, and revoking it leaves no live session', async () => {
    const server = app.getHttpServer() as Server;
    const login = await request(server).post('/login').expect(201);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await sleep(300);
    holdReads(app.get<symbol, Store>(SESSION_STORE), 2);
    const [a, b] = await Promise.all([
      request(server).get('/me').set('Cookie', cookie),
      request(server).get('/me').set('Cookie', cookie),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body, b.body]).toEqual([{ user: 'racer' }, { user: 'racer' }]);
    const successorA = sessionIdFrom(a.headers['set-cookie']);
    const successorB = sessionIdFrom(b.headers['set-cookie']);
    expect(successorA).toBeDefined();
    expect(successorA).toBe(successorB);
    expect(successorA).not.toBe(sessionIdFrom(login.headers['set-cookie']));

    const listed = (await request(server).get('/sessions').expect(200)).body as { id: string }[];
    expect(listed).toHaveLength(1);
    const registry = app.get(SessionRegistry);
    expect(await registry.revokeSession('racer', listed[0].id)).toBe(true);
    const newCookie = (a.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await request(server).get('/me').set('Cookie', newCookie).expect(200, { user: null });
    await request(server).get('/me').set('Cookie', cookie).expect(200, { user: null });
  });
});
