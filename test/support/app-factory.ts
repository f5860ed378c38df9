import { createHmac, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import request, { type Response } from 'supertest';
import { SessionIdsAtRest } from 'nest-session-kit';
import { AppModule, type SampleEnv } from '../../apps/sample/src/app.module';
import { configureApp } from '../../apps/sample/src/app.setup';
import { httpPlatformOf } from '../../apps/sample/src/common/http-platform';
import { fastifyAdapterFor } from '../../apps/sample/src/common/fastify-adapter';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

export interface TestApp {
  /** Typed as Express' app, which most suites use; on Fastify it is NestFastifyApplication. */
  app: NestExpressApplication;
  server: Server;
  env: SampleEnv;
  agent(): request.Agent;
  close(): Promise<void>;
}

/**
 * The platform the suites run the sample on: TEST_HTTP_ADAPTER (express or fastify), else the
 * env's HTTP_ADAPTER, else Express. `npm run test:fastify` runs every e2e and browser suite on
 * Fastify.
 */
export const TEST_HTTP_ADAPTER = httpPlatformOf(process.env.TEST_HTTP_ADAPTER);

/**
 * The sample app, configured as main.ts does, with env overriding process.env. It runs on the
 * memory store unless env names a REDIS_URL or a DATABASE_URL (process.env's, which CI sets, are
 * not inherited), and on TEST_HTTP_ADAPTER's platform unless env names an HTTP_ADAPTER.
 */
export async function createTestApp(env: SampleEnv = {}): Promise<TestApp> {
  const fullEnv: SampleEnv = {
    SESSION_SECRET: TEST_SECRET,
    REDIS_URL: '',
    DATABASE_URL: '',
    HTTP_ADAPTER: TEST_HTTP_ADAPTER,
    ...env,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(fullEnv)],
  }).compile();
  const appOptions = { bodyParser: false, logger: ['error' as const] };
  const app =
    httpPlatformOf(fullEnv.HTTP_ADAPTER) === 'fastify'
      ? moduleRef.createNestApplication(await fastifyAdapterFor(fullEnv), appOptions)
      : moduleRef.createNestApplication<NestExpressApplication>(appOptions);
  configureApp(app);
  await app.init();
  if (httpPlatformOf(fullEnv.HTTP_ADAPTER) === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  const server = app.getHttpServer() as Server;
  return {
    app: app as INestApplication as NestExpressApplication,
    server,
    env: fullEnv,
    agent: () => request.agent(server),
    close: () => app.close(),
  };
}

/** Env for an app on the shared Redis, with a key prefix of its own. */
export function redisEnv(extra: SampleEnv = {}): SampleEnv {
  return { REDIS_URL, SESSION_PREFIX: `test:${randomUUID()}:sess:`, ...extra };
}

/** Env for an app on the run's PostgreSQL database, in a schema of its own. */
export function postgresEnv(extra: SampleEnv = {}): SampleEnv {
  return {
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_SCHEMA: `app_${randomUUID().replace(/-/g, '')}`,
    ...extra,
  };
}

/** The private database the global setup made for this run. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is unset: the e2e global setup makes it');
  return url;
}

/** The three stores every session suite runs on. */
export const STORES: [string, () => SampleEnv][] = [
  ['memory store', () => ({})],
  ['Redis store', () => redisEnv()],
  ['PostgreSQL store', () => postgresEnv()],
];

/** The demo users by short name. */
export const DEMO_EMAILS = {
  user: 'user@example.com',
  alice: 'alice@example.com',
  bob: 'bob@example.com',
  moderator: 'moderator@example.com',
  admin: 'admin@example.com',
  superadmin: 'superadmin@example.com',
} as const;

/** The error body of SAMPLE-API.md for a status and code. */
export const errorBody = (statusCode: number, code: string) => ({
  statusCode,
  code,
  message: expect.any(String),
});

export const PASSWORDS: Record<string, string> = {
  'user@example.com': 'user-password-1',
  'alice@example.com': 'alice-password-1',
  'bob@example.com': 'bob-password-1',
  'moderator@example.com': 'moderator-password-1',
  'admin@example.com': 'admin-password-1',
  'superadmin@example.com': 'superadmin-password-1',
  'mfa@example.com': 'mfa-password-1',
};

/** A signed-in agent and its CSRF token. */
export interface SignedIn {
  agent: request.Agent;
  csrfToken: string;
  user: { id: string; email: string; roles: string[] };
}

export async function signIn(app: TestApp, email: string, agent = app.agent()): Promise<SignedIn> {
  const res = await agent
    .post('/auth/login')
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  return { agent, csrfToken: res.body.csrfToken, user: res.body.user };
}

/** Every demo user signed in, each on an agent of its own, by short name. */
export async function signInDemoUsers(
  app: TestApp,
): Promise<Record<keyof typeof DEMO_EMAILS, SignedIn>> {
  const signedIn = {} as Record<keyof typeof DEMO_EMAILS, SignedIn>;
  for (const [who, email] of Object.entries(DEMO_EMAILS)) {
    signedIn[who as keyof typeof DEMO_EMAILS] = await signIn(app, email);
  }
  return signedIn;
}

/** A fresh CSRF token for the agent's session (creating the session if needed). */
export async function csrfTokenOf(agent: request.Agent): Promise<string> {
  const res = await agent.get('/auth/csrf').expect(200);
  return res.body.csrfToken as string;
}

/** The session id in a Set-Cookie header (unsigned), for inspecting the store. */
export function sessionIdFrom(
  setCookie: string[] | string | undefined,
  name = 'sid',
): string | undefined {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const cookie of cookies) {
    const match = new RegExp(`^${name}=s%3A([^.;]+)\\.`).exec(cookie);
    if (match) return decodeURIComponent(match[1]);
  }
  return undefined;
}

/** A session cookie for `sid` signed the way express-session signs (cookie-signature). */
export function signedCookie(sid: string, secret = TEST_SECRET): string {
  const mac = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `sid=${encodeURIComponent(`s:${sid}.${mac}`)}`;
}

/** The id a session is stored under (a keyed hash of its id), for apps on the given secrets. */
export function storedIdOf(sid: string, secrets: string[] = [TEST_SECRET]): string {
  return new SessionIdsAtRest(secrets).storedIdOf(sid);
}

/** The Set-Cookie headers of a response. */
export function setCookiesOf(res: Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

/** The `name=value` part of the response's session cookie, to replay as a Cookie header. */
export function cookieOf(res: Response): string {
  const cookie = setCookiesOf(res).find((c) => c.startsWith('sid='));
  if (!cookie) throw new Error('no session cookie in the response');
  return cookie.split(';')[0];
}
