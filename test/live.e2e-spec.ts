import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import {
  cookieOf,
  createTestApp,
  PASSWORDS,
  redisEnv,
  STORES,
  type TestApp,
} from './support/app-factory';
import type { SampleEnv } from '../apps/sample/src/app.module';

interface Live {
  app: TestApp;
  url: string;
}

async function startLive(env: SampleEnv): Promise<Live> {
  const app = await createTestApp(env);
  await app.app.listen(0, '127.0.0.1');
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

interface Login {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; roles: string[] };
}

async function login(live: Live, email: string): Promise<Login> {
  const res = await request(live.app.server)
    .post('/auth/login')
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  return { cookie: cookieOf(res), csrfToken: res.body.csrfToken, user: res.body.user };
}

async function logout(live: Live, session: Login): Promise<void> {
  await request(live.app.server)
    .post('/auth/logout')
    .set('cookie', session.cookie)
    .set('x-csrf-token', session.csrfToken)
    .expect(204);
}

function connect(
  live: Live,
  options: { cookie?: string; token?: string; origin?: string } = {},
): Socket {
  const extraHeaders: Record<string, string> = {};
  if (options.cookie) extraHeaders.cookie = options.cookie;
  if (options.origin) extraHeaders.origin = options.origin;
  return io(`${live.url}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders,
    auth: options.token ? { token: options.token } : {},
  });
}

/** Resolves when connected; rejects with the connect_error's message. */
function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

async function refusal(socket: Socket): Promise<string> {
  try {
    await connected(socket);
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  } finally {
    socket.close();
  }
}

function ask<T>(socket: Socket, event: string, data?: unknown): Promise<T> {
  return socket.timeout(3000).emitWithAck(event, data ?? {}) as Promise<T>;
}

/** What the socket hears when its session ends, and how long after `since` it hears it. */
function endOf(
  socket: Socket,
): Promise<{ code: string; at: number; disconnected: Promise<number> }> {
  const disconnected = new Promise<number>((resolve) =>
    socket.once('disconnect', () => resolve(Date.now())),
  );
  return new Promise((resolve) =>
    socket.once('session:ended', (body: { code: string }) =>
      resolve({ code: body.code, at: Date.now(), disconnected }),
    ),
  );
}

describe.each(STORES)('Socket.IO namespace /live on the %s', (_name, storeEnv) => {
  let live: Live;
  const sockets: Socket[] = [];
  const open = (options: Parameters<typeof connect>[1]) => {
    const socket = connect(live, options);
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    live = await startLive({ ...storeEnv(), SESSION_MAX_PER_USER: '2' });
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(() => live.app.close());

  it('refuses a handshake without a session: connect_error AUTH_REQUIRED', async () => {
    expect(await refusal(open({}))).toBe('AUTH_REQUIRED');
    expect(await refusal(open({ cookie: 'sid=s%3Aforged.signature' }))).toBe('AUTH_REQUIRED');
  });

  it('refuses an anonymous session', async () => {
    const res = await request(live.app.server).get('/auth/csrf').expect(200);
    expect(await refusal(open({ cookie: cookieOf(res) }))).toBe('AUTH_REQUIRED');
  });

  it('refuses an origin that is not allowed: connect_error CSRF_INVALID', async () => {
    const { cookie } = await login(live, 'alice@example.com');
    expect(await refusal(open({ cookie, origin: 'https://evil.example' }))).toBe('CSRF_INVALID');
  });

  it('whoami answers {user} through the same AuthGuard as the controllers', async () => {
    const { cookie, user } = await login(live, 'alice@example.com');
    const socket = await connected(open({ cookie, origin: live.url }));
    expect(await ask(socket, 'whoami')).toEqual({ user });
  });

  it('RolesGuard protects a message: INSUFFICIENT_PERMISSIONS for a user, through for a moderator', async () => {
    const user = await connected(open({ cookie: (await login(live, 'user@example.com')).cookie }));
    expect(await ask(user, 'moderation:peek')).toEqual({
      error: expect.objectContaining({ statusCode: 403, code: 'INSUFFICIENT_PERMISSIONS' }),
    });
    const moderator = await connected(
      open({ cookie: (await login(live, 'moderator@example.com')).cookie }),
    );
    expect(await ask(moderator, 'moderation:peek')).toEqual({ allowed: true });
  });

  it('a header session connects with auth: {token}; cookie and token together are AMBIGUOUS_SESSION', async () => {
    const res = await request(live.app.server)
      .post('/auth/token')
      .send({ email: 'bob@example.com', password: PASSWORDS['bob@example.com'] })
      .expect(200);
    const socket = await connected(open({ token: res.body.token }));
    expect(await ask(socket, 'whoami')).toEqual({ user: res.body.user });
    const { cookie } = await login(live, 'alice@example.com');
    expect(await refusal(open({ cookie, token: res.body.token }))).toBe('AMBIGUOUS_SESSION');
    expect(await refusal(open({ token: `${res.body.token}x` }))).toBe('AUTH_REQUIRED');
  });

  it('logout ends the socket within a second with session:ended {code: SESSION_LOGGED_OUT}', async () => {
    const session = await login(live, 'alice@example.com');
    const socket = await connected(open({ cookie: session.cookie }));
    const ended = endOf(socket);
    const start = Date.now();
    await logout(live, session);
    const { code, disconnected } = await ended;
    expect(code).toBe('SESSION_LOGGED_OUT');
    expect((await disconnected) - start).toBeLessThan(1000);
  });

  it('revocation from another session ends the socket with SESSION_REVOKED', async () => {
    const phone = await login(live, 'bob@example.com');
    const socket = await connected(open({ cookie: phone.cookie }));
    const laptop = await login(live, 'bob@example.com');
    const listed = await request(live.app.server)
      .get('/auth/sessions')
      .set('cookie', laptop.cookie)
      .expect(200);
    const other = listed.body.sessions.find((s: { current: boolean }) => !s.current);
    const ended = endOf(socket);
    await request(live.app.server)
      .delete(`/auth/sessions/${other.id}`)
      .set('cookie', laptop.cookie)
      .set('x-csrf-token', laptop.csrfToken)
      .expect(204);
    expect((await ended).code).toBe('SESSION_REVOKED');
  });

  it('eviction past SESSION_MAX_PER_USER ends the oldest socket with SESSION_EVICTED', async () => {
    const first = await login(live, 'moderator@example.com');
    const socket = await connected(open({ cookie: first.cookie }));
    const ended = endOf(socket);
    await login(live, 'moderator@example.com');
    await login(live, 'moderator@example.com');
    expect((await ended).code).toBe('SESSION_EVICTED');
  });

  it('writes from the gateway are saved atomically: parallel cart:add all count', async () => {
    const session = await login(live, 'superadmin@example.com');
    const socket = await connected(open({ cookie: session.cookie }));
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        ask<{ count: number }>(socket, 'cart:add', { productId: 'mouse', quantity: 1 }),
      ),
    );
    expect(replies.every((r) => typeof r.count === 'number')).toBe(true);
    const cart = await request(live.app.server)
      .get('/cart')
      .set('cookie', session.cookie)
      .expect(200);
    expect(cart.body.count).toBe(8);
  });

  it('a refused message payload gets VALIDATION_FAILED, not a crash', async () => {
    const session = await login(live, 'admin@example.com');
    const socket = await connected(open({ cookie: session.cookie }));
    const reply = await ask<{ error: { code: string } }>(socket, 'cart:add', {
      productId: 'keyboard',
      quantity: -1,
      extra: 1,
    });
    expect(reply.error.code).toBe('VALIDATION_FAILED');
    expect(await ask(socket, 'whoami')).toEqual({ user: session.user });
  });
});

describe('a socket whose session times out', () => {
  let live: Live;
  beforeAll(async () => {
    live = await startLive({ SESSION_IDLE_TIMEOUT_MS: '1200' });
  });
  afterAll(() => live.app.close());

  it('gets session:ended {code: SESSION_TIMEOUT} within a second of the timeout, with no message sent', async () => {
    const session = await login(live, 'alice@example.com');
    const loggedInAt = Date.now();
    const socket = await connected(connect(live, { cookie: session.cookie }));
    const { code, disconnected } = await endOf(socket);
    expect(code).toBe('SESSION_TIMEOUT');
    const after = (await disconnected) - loggedInAt;
    expect(after).toBeGreaterThanOrEqual(1200);
    expect(after).toBeLessThan(2200);
    socket.close();
  });
});

describe('two app instances on one Redis', () => {
  let a: Live;
  let b: Live;
  beforeAll(async () => {
    const env = redisEnv();
    a = await startLive(env);
    b = await startLive(env);
  });
  afterAll(async () => {
    await a.app.close();
    await b.app.close();
  });

  it('a logout on one instance disconnects the socket on the other within a second', async () => {
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      const session = await login(a, 'alice@example.com');
      const socket = await connected(connect(b, { cookie: session.cookie }));
      expect(await ask(socket, 'whoami')).toEqual({ user: session.user });
      const ended = endOf(socket);
      const start = Date.now();
      await logout(a, session);
      const { code, disconnected } = await ended;
      expect(code).toBe('SESSION_LOGGED_OUT');
      latencies.push((await disconnected) - start);
      socket.close();
    }
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });

  it('a revocation on one instance ends the socket on the other', async () => {
    const phone = await login(a, 'bob@example.com');
    const socket = await connected(connect(b, { cookie: phone.cookie }));
    const ended = endOf(socket);
    const laptop = await login(a, 'bob@example.com');
    await request(a.app.server)
      .delete('/auth/sessions')
      .set('cookie', laptop.cookie)
      .set('x-csrf-token', laptop.csrfToken)
      .expect(204);
    expect((await ended).code).toBe('SESSION_REVOKED');
    socket.close();
  });
});
