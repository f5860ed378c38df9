import { jest } from '@jest/globals';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Post,
  Req,
  Res,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClientType } from 'redis';
import request from 'supertest';
import {
  AuthGuard,
  Roles,
  RolesGuard,
  Session,
  SessionService,
  SessionUser,
  type AppSession,
  type SessionModuleOptions,
  type SessionPrincipal,
} from 'nest-session-kit';
import { sessionIdFrom, testDatabaseUrl } from './support/app-factory';
import { createFastifyLibraryApp } from './support/library-app';
import { freePort, PrivateRedisServer } from './support/redis-server';
import { commandsDuring, inspectRedis, monitorDuring } from './support/redis-inspect';

type CartSession = AppSession & { cart?: string[] };
type FastifySessionRequest = FastifyRequest & { session: CartSession; sessionID: string };

@Controller()
class AccountController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Req() req: FastifySessionRequest,
    @Body() body: { id: string; roles: string[]; cart?: string },
  ) {
    await this.sessions.login(req, { id: body.id, roles: body.roles }, { carry: ['cart'] });
    return { csrfToken: req.session.csrfToken, sid: req.sessionID, cart: req.session.cart };
  }

  @Get('csrf')
  async csrf(@Req() req: FastifySessionRequest) {
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Post('cart')
  @HttpCode(200)
  cart(@Session() session: CartSession, @Body() body: { item: string }) {
    session.cart = [...(session.cart ?? []), body.item];
    return { cart: session.cart };
  }

  @Get('me')
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal, @Req() req: FastifySessionRequest) {
    return { user, fromRequest: req.session.user?.id, sid: req.sessionID };
  }

  @Get('admin')
  @UseGuards(AuthGuard, RolesGuard)
  @Roles('admin')
  admin() {
    return { ok: true };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() req: FastifySessionRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.logout(req, reply);
  }
}

function sidOf(res: request.Response): string | undefined {
  return sessionIdFrom(res.headers['set-cookie'] as unknown as string[] | undefined);
}

const STORES: [string, () => Promise<Partial<SessionModuleOptions>>][] = [
  ['memory store', async () => ({})],
  [
    'Redis store',
    async () => ({
      store: {
        type: 'redis',
        url: 'redis://127.0.0.1:6379',
        prefix: `test:${Date.now()}:${Math.random()}:`,
      },
    }),
  ],
  [
    'PostgreSQL store',
    async () => ({
      store: {
        type: 'postgres',
        connectionString: testDatabaseUrl(),
        schema: `fastify_${Math.random().toString(36).slice(2)}`,
      },
    }),
  ],
];

describe.each(STORES)('SessionModule on Fastify (%s)', (_name, storeOptions) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createFastifyLibraryApp(await storeOptions(), [AccountController]);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A new client signed in as `id` with `roles`: its agent and the login's answer. */
  const signedIn = async (id: string, roles: string[]) => {
    const agent = request.agent(app.getHttpServer());
    const login = await agent.post('/login').send({ id, roles }).expect(200);
    return { agent, login };
  };

  it('is Nest on Fastify, with the session on Fastify’s request', () => {
    expect(app.getHttpAdapter().getType()).toBe('fastify');
  });

  it('login changes the session id and carries only what it names; the guards see the session', async () => {
    const agent = request.agent(app.getHttpServer());
    const first = await agent.get('/csrf').expect(200);
    const anonymousSid = sidOf(first);
    expect(anonymousSid).toBeDefined();
    await agent
      .post('/cart')
      .set('x-csrf-token', first.body.csrfToken)
      .send({ item: 'book' })
      .expect(200);
    const login = await agent
      .post('/login')
      .set('x-csrf-token', first.body.csrfToken)
      .send({ id: 'u1', roles: ['user'] })
      .expect(200);
    const signedSid = sidOf(login);
    expect(signedSid).toBeDefined();
    expect(signedSid).not.toBe(anonymousSid);
    expect(login.body.sid).toBe(signedSid);
    expect(login.body.cart).toEqual(['book']);
    expect(login.body.csrfToken).not.toBe(first.body.csrfToken);
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(login.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    expect(login.headers['cache-control']).toBe('no-store');

    const me = await agent.get('/me').expect(200);
    expect(me.body).toEqual({
      user: { id: 'u1', roles: ['user'] },
      fromRequest: 'u1',
      sid: signedSid,
    });
  });

  it('AuthGuard answers 401 AUTH_REQUIRED without a session, RolesGuard 403 without the role', async () => {
    const anonymous = await request(app.getHttpServer()).get('/me').expect(401);
    expect(anonymous.body).toEqual({
      statusCode: 401,
      code: 'AUTH_REQUIRED',
      message: expect.any(String),
    });
    const { agent } = await signedIn('u2', ['user']);
    const denied = await agent.get('/admin').expect(403);
    expect(denied.body.code).toBe('INSUFFICIENT_PERMISSIONS');
    const { agent: admin } = await signedIn('a1', ['admin']);
    await admin.get('/admin').expect(200, { ok: true });
  });

  it('CSRF: a state-changing request of a live session without its token is 403 CSRF_INVALID', async () => {
    const { agent, login } = await signedIn('u3', ['user']);
    const refused = await agent.post('/cart').send({ item: 'pen' }).expect(403);
    expect(refused.body.code).toBe('CSRF_INVALID');
    await agent.post('/cart').set('x-csrf-token', 'wrong').send({ item: 'pen' }).expect(403);
    await agent
      .post('/cart')
      .set('Origin', 'https://evil.example')
      .set('x-csrf-token', login.body.csrfToken)
      .send({ item: 'pen' })
      .expect(403);
    const ok = await agent
      .post('/cart')
      .set('x-csrf-token', login.body.csrfToken)
      .send({ item: 'pen' })
      .expect(200);
    expect(ok.body.cart).toEqual(['pen']);
  });

  it('logout destroys the session and clears its cookie; the old cookie is anonymous again', async () => {
    const { agent, login } = await signedIn('u4', ['user']);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const out = await agent.post('/logout').set('x-csrf-token', login.body.csrfToken).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^sid=; Path=\/; Expires=Thu, 01 Jan 1970/);
    await request(app.getHttpServer()).get('/me').set('Cookie', cookie).expect(401);
  });
});

describe('SessionModule on Fastify: one Redis command per authenticated read', () => {
  let server: PrivateRedisServer;
  let app: INestApplication;
  let redis: RedisClientType;

  beforeAll(async () => {
    server = new PrivateRedisServer(await freePort());
    await server.start();
    app = await createFastifyLibraryApp({ store: { type: 'redis', url: server.url } }, [
      AccountController,
    ]);
    redis = await inspectRedis(server.url);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.close();
    await server?.stop();
  });

  it('GET /me with a signed-in session is one GETEX', async () => {
    const login = await request(app.getHttpServer())
      .post('/login')
      .send({ id: 'u5', roles: ['user'] })
      .expect(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const me = () => request(app.getHttpServer()).get('/me').set('Cookie', cookie).expect(200);
    await me();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const seen = await monitorDuring(server.url, me);
    expect(seen).toEqual([expect.stringMatching(/^GETEX \S+ PX \d+$/i)]);
    expect(await commandsDuring(redis, me)).toEqual({ getex: 1 });
  });
});

describe('SessionModule on Fastify: proxy trust is the adapter’s', () => {
  const warningsOf = async (
    options: Partial<SessionModuleOptions>,
    adapterOptions: { trustProxy?: string },
  ) => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await createFastifyLibraryApp(options, [AccountController], adapterOptions);
    try {
      for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/csrf').expect(200);
      return warn.mock.calls
        .map(([message]) => String(message))
        .filter((m) => /trustProxy/.test(m));
    } finally {
      warn.mockRestore();
      await app.close();
    }
  };

  it('logs once when trustProxy is set on the module but the FastifyAdapter trusts no proxy', async () => {
    const warnings = await warningsOf({ trustProxy: 1 }, {});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/new FastifyAdapter\(\{ trustProxy \}\)/);
  });

  it('stays quiet when the adapter has a trustProxy, or the module asks for none', async () => {
    expect(await warningsOf({ trustProxy: 1 }, { trustProxy: '127.0.0.1' })).toEqual([]);
    expect(await warningsOf({}, {})).toEqual([]);
  });
});
