import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  clearCookie,
  headerOf,
  nodeRequestOf,
  nodeResponseOf,
  type SessionRequest,
  type SessionResponse,
} from './http/node-request';
import type { Session, SessionData } from 'express-session';
import { InjectSessionOptions } from './session.constants';
import type { ResolvedSessionOptions } from './session.options';
import type { SessionAuthInfo, SessionPrincipal } from './session.types';
import { SessionErrors, SessionStoreError } from './errors';
import { newCsrfToken } from './security/csrf';
import { isHeaderSession, markHeaderSession } from './security/header-session';
import { signSessionId } from './security/session-token';
import { setNextSessionId, successorIdOf } from './security/session-successor';
import { SessionEvents, type SessionEndReason } from './session-events';
import { SessionRegistry } from './registry/session-registry.service';
import { SESSION_BACKEND, type SessionBackend } from './backends/backend';
import { SessionBackendCalls } from './backends/backend-calls';
import type { ValueChange } from './backends/merging.store';

export interface LoginOptions {
  /**
   * Session keys to keep across the id change when the session was anonymous (its cart, say);
   * everything else goes, and a session that belonged to a user carries nothing.
   */
  carry?: (keyof SessionData | string)[];
  /** Give the cookie a lifetime (the absolute timeout) so it outlives the browser session. */
  rememberMe?: boolean;
  /**
   * `'header'`: the session rides in a header (`Authorization: Bearer <token>`), for clients
   * that keep no cookies; no cookie is set and `headerToken(req)` gives the token. Needs
   * `headerSessions.enabled`. @default 'header' for a request that came with a token, else 'cookie'
   */
  transport?: 'cookie' | 'header';
}

/** The response header that carries a header session's new token after its id changed. */
export const SESSION_TOKEN_HEADER = 'x-session-token';

interface EndedIdentity {
  userId: string;
  handle: string;
  createdAt: number;
}

type RequestWithSession = Request & { session: Session & Partial<SessionData> };

/** Keys of express-session's Session object that are not session data. */
const RESERVED_KEYS = new Set(['cookie', 'id', 'req', '__proto__', 'constructor', 'prototype']);

/** A promise API over express-session's callbacks; every method waits for the store. */
@Injectable()
export class SessionService {
  constructor(
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    private readonly events: SessionEvents,
    private readonly registry: SessionRegistry,
    @Inject(SESSION_BACKEND) private readonly backend: SessionBackend,
    private readonly calls: SessionBackendCalls,
  ) {}

  /**
   * Atomic read-modify-write of one session key: `change` gets (a copy of) the value as stored
   * now, not as this request loaded it, and returns the value to store (undefined deletes the
   * key). On a conflicting concurrent write it runs again on the newer value, under the store's
   * compare-and-swap, so every concurrent change counts: keep `change` free of side effects, and
   * throw from it to refuse (nothing is written). Resolves the value stored, which the request's
   * session holds too. Past the retry bound: 409 SESSION_UPDATE_CONFLICT.
   */
  update<K extends keyof SessionData & string>(
    request: SessionRequest,
    key: K,
    change: ValueChange<SessionData[K]>,
  ): Promise<SessionData[K] | undefined>;
  update<T>(request: SessionRequest, key: string, change: ValueChange<T>): Promise<T | undefined>;
  async update<T>(
    request: SessionRequest,
    key: string,
    change: ValueChange<T>,
  ): Promise<T | undefined> {
    const req = nodeRequestOf(request);
    if (RESERVED_KEYS.has(key)) throw new TypeError(`"${key}" is not a session data key`);
    const session = sessionOf(req);
    try {
      const { value } = await this.backend.access.updateValue(req.sessionID, session, key, change);
      return value;
    } catch (err) {
      if (!(err instanceof SessionStoreError)) throw err;
      this.calls.report('update', err);
      throw SessionErrors.storeUnavailable();
    }
  }

  /**
   * Signs the principal in: a new session id (against fixation) keeping only the `carry` keys,
   * the principal at `session.user`, login metadata at `session.auth`, saved before it resolves.
   */
  async login(
    request: SessionRequest,
    user: SessionPrincipal,
    options: LoginOptions = {},
  ): Promise<void> {
    const req = nodeRequestOf(request);
    const transport = options.transport ?? (isHeaderSession(req) ? 'header' : 'cookie');
    await this.regenerateForLogin(req, options.carry);
    if (transport === 'header') this.useHeaderTransport(req);
    const session = sessionOf(req);
    const now = Date.now();
    const principal = { id: user.id, email: user.email, roles: [...user.roles] };
    session.user = principal;
    const auth: SessionAuthInfo = (session.auth = {
      createdAt: now,
      authenticatedAt: now,
      lastActivityAt: now,
      rotatedAt: now,
      ip: req.ip,
      userAgent: headerOf(req, 'user-agent'),
      handle: this.registry.newHandle(),
    });
    this.issueCsrfToken(session);
    if (options.rememberMe && this.options.cookie.maxAge === undefined) {
      session.cookie.maxAge = this.rememberMeMaxAge();
    }
    await this.save(req);
    await this.recordInRegistry(req);
    await this.backend.confirmLogin?.(req.sessionID, principal.id);
    req.res?.setHeader('Cache-Control', 'no-store');
    await this.events.emit('login', { request: req, user: principal, auth });
  }

  /**
   * Makes the request's session a header session (no cookie is set for it) and resolves its
   * token once saved: for a step before login, such as a pending second factor.
   */
  async issueHeaderToken(request: SessionRequest): Promise<string> {
    const req = nodeRequestOf(request);
    this.useHeaderTransport(req);
    await this.save(req);
    return this.headerToken(req) as string;
  }

  /** The token of a header session (`<headerName>: <scheme> <token>`); undefined for a cookie one. */
  headerToken(request: SessionRequest): string | undefined {
    const req = nodeRequestOf(request);
    if (!isHeaderSession(req) || !(req as RequestWithSession).session) return undefined;
    return signSessionId(req.sessionID, this.options.secret[0]);
  }

  /**
   * A new session id for a step of signing in (`login` itself, or a first factor that leaves a
   * second one pending): the `carry` keys are kept only when the session was anonymous. A live
   * session of another user carries nothing (not its cart, preferences, history or drafts), and
   * leaves that user's registry.
   */
  async regenerateForLogin(request: SessionRequest, carry: string[] = []): Promise<void> {
    const req = nodeRequestOf(request);
    const previous = this.endedIdentity(req);
    const anonymous = sessionOf(req).user === undefined;
    await this.regenerate(req, anonymous ? carry : []);
    if (previous?.handle) await this.registry.forget(previous.userId, previous.handle);
  }

  /**
   * The session's CSRF token, created (and the session saved) when it has none. Created
   * atomically: concurrent first requests of one session all get the one token that is stored.
   */
  async csrfToken(request: SessionRequest): Promise<string> {
    const req = nodeRequestOf(request);
    const session = sessionOf(req);
    if (session.csrfToken) return session.csrfToken;
    const token = await this.update(req, 'csrfToken', (current) => current || newCsrfToken());
    await this.save(req);
    return token as string;
  }

  /** Destroys the session in the store and clears its cookie with the attributes it was set with. */
  async logout(request: SessionRequest, reply: SessionResponse): Promise<void> {
    const req = nodeRequestOf(request);
    const res = nodeResponseOf(reply);
    const ended = this.endedIdentity(req);
    if (req.session) await this.destroy(req);
    await this.afterEnd(ended, 'logout');
    if (isHeaderSession(req)) return;
    const { path, domain, secure, httpOnly, sameSite, partitioned } = this.options.cookie;
    clearCookie(res, this.options.name, {
      path,
      domain,
      secure: secure === true,
      httpOnly,
      sameSite,
      partitioned,
    });
  }

  /**
   * Ends the request's session for a reason (timeout, binding mismatch, ...): destroyed in the
   * store, dropped from the registry, and replaced by a new anonymous session.
   */
  async terminate(request: SessionRequest, reason: SessionEndReason): Promise<void> {
    const req = nodeRequestOf(request);
    const ended = this.endedIdentity(req);
    await this.regenerate(req);
    await this.afterEnd(ended, reason);
  }

  /** Marks the login as fresh again (after the user re-entered their password). */
  async reauthenticate(request: SessionRequest): Promise<void> {
    const req = nodeRequestOf(request);
    const session = sessionOf(req);
    if (!session.auth || !session.user) throw SessionErrors.authRequired();
    session.auth = { ...session.auth, authenticatedAt: Date.now() };
    await this.save(req);
  }

  /**
   * A new session id with the same data. The CSRF token changes too unless `keepCsrfToken`
   * (periodic rotation keeps it, so that a client's next write does not fail). A header session
   * gets its new token in the `x-session-token` response header. A signed-in session's new id
   * derives from its old one and its last rotation, so that two requests rotating it at once
   * agree on one successor.
   */
  async rotate(request: SessionRequest, { keepCsrfToken = false } = {}): Promise<void> {
    const req = nodeRequestOf(request);
    const { cookie, auth } = sessionOf(req);
    const maxAge = cookie.originalMaxAge;
    if (auth) {
      const rotatedAt = auth.rotatedAt ?? auth.createdAt;
      setNextSessionId(req, successorIdOf(this.options.secret[0], req.sessionID, rotatedAt));
    }
    await this.regenerate(req, Object.keys(sessionOf(req)));
    const session = sessionOf(req);
    if (maxAge !== null && maxAge !== undefined) session.cookie.maxAge = maxAge;
    if (session.auth) session.auth = { ...session.auth, rotatedAt: Date.now() };
    if (!keepCsrfToken) this.issueCsrfToken(session);
    await this.save(req);
    await this.recordInRegistry(req);
    const token = this.headerToken(req);
    if (token) req.res?.setHeader(SESSION_TOKEN_HEADER, token);
  }

  /** A new session under a new id, keeping only the `keep` keys; the old one is destroyed. */
  async regenerate(request: SessionRequest, keep: string[] = []): Promise<void> {
    const req = nodeRequestOf(request);
    const kept = this.pick(req, keep);
    await promisify((cb) => sessionOf(req).regenerate(cb));
    const session = sessionOf(req) as unknown as Record<string, unknown>;
    for (const [key, value] of kept) session[key] = value;
  }

  save(request: SessionRequest): Promise<void> {
    const req = nodeRequestOf(request);
    return promisify((cb) => sessionOf(req).save(cb));
  }

  reload(request: SessionRequest): Promise<void> {
    const req = nodeRequestOf(request);
    return promisify((cb) => sessionOf(req).reload(cb));
  }

  /** Resets the cookie's max age; the store slides the server-side expiry on every read. */
  touch(request: SessionRequest): void {
    const req = nodeRequestOf(request);
    sessionOf(req).touch();
  }

  destroy(request: SessionRequest): Promise<void> {
    const req = nodeRequestOf(request);
    return promisify((cb) => sessionOf(req).destroy(cb));
  }

  private useHeaderTransport(request: SessionRequest): void {
    const req = nodeRequestOf(request);
    if (!this.options.headerSessions.enabled) {
      throw new Error(
        'nest-session-kit: header sessions need SessionModule option headerSessions.enabled',
      );
    }
    markHeaderSession(req, req.res, this.options.name);
  }

  private async recordInRegistry(request: SessionRequest): Promise<void> {
    const req = nodeRequestOf(request);
    const { user, auth } = sessionOf(req);
    if (!user || !auth?.handle) return;
    await this.registry.record(user.id, {
      handle: auth.handle,
      sid: req.sessionID,
      createdAt: auth.createdAt,
    });
  }

  private endedIdentity(request: SessionRequest): EndedIdentity | undefined {
    const req = nodeRequestOf(request);
    const { user, auth } = (req as RequestWithSession).session ?? {};
    if (!user || !auth) return undefined;
    return { userId: user.id, handle: auth.handle ?? '', createdAt: auth.createdAt };
  }

  private async afterEnd(ended: EndedIdentity | undefined, reason: SessionEndReason) {
    if (!ended) return;
    if (ended.handle) await this.registry.forget(ended.userId, ended.handle);
    await this.events.emit('end', {
      userId: ended.userId,
      handle: ended.handle || undefined,
      createdAt: ended.createdAt,
      endedAt: Date.now(),
      reason,
    });
  }

  private pick(request: SessionRequest, keys: string[]): [string, unknown][] {
    const req = nodeRequestOf(request);
    const source = sessionOf(req) as unknown as Record<string, unknown>;
    return keys
      .filter((key) => !RESERVED_KEYS.has(key) && Object.hasOwn(source, key))
      .map((key) => [key, structuredClone(source[key])]);
  }

  private issueCsrfToken(session: RequestWithSession['session']): string {
    session.csrfToken = newCsrfToken();
    return session.csrfToken;
  }

  private rememberMeMaxAge(): number {
    const { absoluteTimeout } = this.options;
    return absoluteTimeout === false ? 30 * 24 * 3_600_000 : absoluteTimeout;
  }
}

function sessionOf(req: Request): RequestWithSession['session'] {
  const session = (req as RequestWithSession).session;
  if (!session) throw SessionErrors.storeUnavailable();
  return session;
}

function promisify(run: (cb: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    run((err) => {
      if (!err) return resolve();
      reject(err instanceof SessionStoreError ? SessionErrors.storeUnavailable() : err);
    }),
  );
}
