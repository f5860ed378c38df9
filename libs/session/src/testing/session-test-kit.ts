import { notStrictEqual, ok } from 'node:assert/strict';
import type { INestApplication, Type } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData, Store } from 'express-session';
import type { Agent } from 'supertest';
import { loadOptionalDependency } from '../optional-dependency';
import { SESSION_OPTIONS, SESSION_STORE } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionService } from '../session.service';
import type { SessionPrincipal } from '../session.types';
import { signSessionId, unsignSessionId } from './signed-cookie';

/** Who to sign in: roles alone (a test id is made up), or a whole principal. */
export type TestPrincipal = string[] | (Partial<SessionPrincipal> & { roles: string[] });

export interface TestSignInOptions {
  /** The client IP stored with the login, for apps with `bindIp`. @default '::ffff:127.0.0.1' */
  ip?: string;
  /** The user agent stored with the login, for apps with `bindUserAgent`. @default none */
  userAgent?: string;
}

/** A signed-in session, ready to send. */
export interface TestSession {
  /** The principal stored at `session.user`. */
  user: SessionPrincipal;
  /** The session id (what the store keys on after hashing; never sent as is). */
  sessionId: string;
  /** `name=value` of the session cookie: `request(server).get('/me').set('Cookie', cookie)`. */
  cookie: string;
  /** The session's CSRF token, for POST, PUT, PATCH and DELETE. */
  csrfToken: string;
  /** Both at once: `.set(session.headers)`. */
  headers: Record<string, string>;
}

/** A cookie header, a `name=value` pair, or a response whose Set-Cookie carries the session. */
export type SessionCarrier = string | { headers: Record<string, unknown> };

let testUserCount = 0;

/**
 * Helpers for an app's own e2e tests, on an initialised Nest app that imports SessionModule:
 * sign a principal in without a login route, read what is stored for a session, and check that
 * a response changed the session id.
 *
 *     const sessions = SessionTestKit.for(app);
 *     const admin = await sessions.signIn(['admin']);
 *     await request(app.getHttpServer()).get('/admin').set(admin.headers).expect(200);
 */
export class SessionTestKit {
  private constructor(
    private readonly app: INestApplication,
    private readonly options: ResolvedSessionOptions,
    private readonly store: Store,
    private readonly sessions: SessionService,
  ) {}

  static for(app: INestApplication): SessionTestKit {
    const get = <T>(token: symbol | Type<unknown>) => app.get<unknown, T>(token, { strict: false });
    return new SessionTestKit(
      app,
      get<ResolvedSessionOptions>(SESSION_OPTIONS),
      get<Store>(SESSION_STORE),
      get<SessionService>(SessionService),
    );
  }

  /**
   * Signs a principal in as `SessionService.login` does (new session, `session.user`,
   * `session.auth`, CSRF token, per-user registry), saved in the app's store.
   */
  async signIn(who: TestPrincipal, options: TestSignInOptions = {}): Promise<TestSession> {
    const user = principalOf(who);
    const req = this.syntheticRequest(options);
    (this.store as Store & { generate(req: Request): void }).generate(req);
    await this.sessions.login(req, user);
    const session = (req as unknown as { session: SessionData }).session;
    const cookie = `${this.options.name}=${signSessionId(req.sessionID, this.options.secret[0])}`;
    const csrfToken = session.csrfToken ?? '';
    return {
      user: session.user ?? user,
      sessionId: req.sessionID,
      cookie,
      csrfToken,
      headers: { cookie, [this.options.csrf.headerName]: csrfToken },
    };
  }

  /** A supertest agent signed in as `who`, sending the CSRF token on every request. */
  async agent(who: TestPrincipal, options: TestSignInOptions = {}): Promise<Agent> {
    const signedIn = await this.signIn(who, options);
    const supertest = await loadOptionalDependency<typeof import('supertest')>(
      'supertest',
      'SessionTestKit.agent',
      'supertest',
    );
    // supertest is CommonJS: its functions sit on the module, or on `default` when imported.
    const createAgent =
      supertest.agent ?? (supertest as unknown as { default: typeof supertest }).default.agent;
    const agent = createAgent(this.app.getHttpServer());
    const jar = (
      agent as unknown as { jar: { setCookie(cookie: string, domain: string, path: string): void } }
    ).jar;
    jar.setCookie(`${signedIn.cookie}; Path=/`, '127.0.0.1', '/');
    return agent.set(this.options.csrf.headerName, signedIn.csrfToken);
  }

  /** The session id a cookie or response carries (undefined if none, or badly signed). */
  sessionIdOf(carrier: SessionCarrier): string | undefined {
    const value = cookieValueOf(carrier, this.options.name);
    return value === undefined ? undefined : unsignSessionId(value, this.options.secret);
  }

  /** What the store holds for the session a cookie or response carries, or null. */
  async storedSession(carrier: SessionCarrier): Promise<SessionData | null> {
    const sessionId = this.sessionIdOf(carrier);
    if (sessionId === undefined) return null;
    return new Promise((resolve, reject) =>
      this.store.get(sessionId, (err, data) => (err ? reject(err) : resolve(data ?? null))),
    );
  }

  /** Asserts that `after` (a response) carries a session id other than `before`'s. */
  expectSessionIdChanged(before: SessionCarrier, after: SessionCarrier): void {
    const previous = this.sessionIdOf(before);
    const next = this.sessionIdOf(after);
    ok(previous, 'the first session carries no session cookie');
    ok(next, 'the response sets no session cookie');
    notStrictEqual(next, previous, 'the session id did not change');
  }

  private syntheticRequest({ ip = '::ffff:127.0.0.1', userAgent }: TestSignInOptions): Request {
    const headers: Record<string, string> = userAgent ? { 'user-agent': userAgent } : {};
    return {
      headers,
      ip,
      method: 'POST',
      url: '/',
      originalUrl: '/',
      sessionStore: this.store,
      get: (name: string) => headers[name.toLowerCase()],
      header: (name: string) => headers[name.toLowerCase()],
    } as unknown as Request;
  }
}

function principalOf(who: TestPrincipal): SessionPrincipal {
  const given = Array.isArray(who) ? { roles: who } : who;
  testUserCount += 1;
  return {
    id: given.id ?? `test-user-${testUserCount}`,
    ...(given.email !== undefined ? { email: given.email } : {}),
    roles: [...given.roles],
  };
}

function cookieValueOf(carrier: SessionCarrier, name: string): string | undefined {
  const lines =
    typeof carrier === 'string'
      ? [carrier]
      : toLines(carrier.headers['set-cookie'] ?? carrier.headers.cookie);
  for (const line of lines) {
    for (const part of line.split(/;\s*/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) {
        const value = part.slice(eq + 1).trim();
        if (value) return value;
      }
    }
  }
  return undefined;
}

function toLines(header: unknown): string[] {
  if (Array.isArray(header)) return header.map(String);
  return typeof header === 'string' ? [header] : [];
}
