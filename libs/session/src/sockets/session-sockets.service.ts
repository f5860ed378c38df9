import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors, SessionHttpException } from '../errors';
import { SESSION_BACKEND, type SessionBackend, type SessionStoreAccess } from '../backends/backend';
import { SessionBackendCalls } from '../backends/backend-calls';
import { SessionRegistry } from '../registry/session-registry.service';
import { activityWindow, findViolation } from '../security/session-checks';
import { unsignSessionId } from '../security/session-token';
import { hasCookie } from '../security/header-session';
import { AllowedOrigins } from '../security/allowed-origins';
import { SessionContextResolver, attachContextResolver } from '../context/session-context.resolver';
import { SessionEndedNotifier, type SessionEndedNotice } from './session-ended.notifier';
import { endedCodeOf } from './session-ended-code';
import type { SessionSocket, SessionSocketMiddleware } from './session-socket.types';

/** The event a socket gets, with `{ code }`, just before it is disconnected. */
export const SESSION_ENDED_EVENT = 'session:ended';

interface Tracked {
  socket: SessionSocket;
  /** The session's stored id (what the store and the registry key on), not the cookie's id. */
  sid: string;
  userId: string;
  handle: string;
  timer?: NodeJS.Timeout;
}

/** The handshake request, where the socket's copy of its session lives. */
type SocketRequest = Omit<Request, 'session'> & {
  session?: SessionData;
  sessionID?: string;
  storedSessionId?: string;
};

/**
 * Sessions on Socket.IO gateways. `sockets.middleware()` goes on a server or namespace
 * (`afterInit(server) { server.use(sessions.middleware()) }`): the handshake must carry the
 * session cookie or, for a header session, `auth: { token }`; it is checked as a request is
 * (origin, timeouts, binding) and refused with a `connect_error` whose message is the code.
 * Each message re-reads the session from the store (one read, as a request), so guards and
 * `@SessionUser()` see its current state. A session that ends anywhere (logout, revocation,
 * eviction, timeout) gets `session:ended { code }` and is disconnected.
 */
@Injectable()
export class SessionSockets {
  private readonly logger = new Logger('SessionSockets');
  private readonly access: SessionStoreAccess;
  private readonly origins: AllowedOrigins;
  private readonly window: number;
  private readonly byHandle = new Map<string, Set<Tracked>>();
  private listening?: Promise<void>;

  constructor(
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_BACKEND) backend: SessionBackend,
    private readonly calls: SessionBackendCalls,
    private readonly registry: SessionRegistry,
    private readonly notifier: SessionEndedNotifier,
    private readonly contextResolver: SessionContextResolver,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.access = backend.access;
    this.origins = AllowedOrigins.of(options);
    this.window = activityWindow(options);
  }

  /** The Socket.IO middleware that admits only sockets with a live, signed-in session. */
  middleware(): SessionSocketMiddleware {
    if (!this.listening) {
      this.notifier.onEnded((notice) => this.onEnded(notice));
      this.listening = this.notifier.start();
    }
    const ready = this.listening;
    return (socket, next) => {
      ready
        .then(() => this.admit(socket))
        .then(
          () => next(),
          (err: unknown) => next(connectError(err, this.logger)),
        );
    };
  }

  /**
   * Changes the socket's session in the store as one read-modify-write: `change` runs on the
   * stored session (again, if another writer got in between, on the library's stores), and the
   * socket's copy becomes the result. AUTH_REQUIRED when the session is gone; an error thrown by
   * `change` leaves the session as it was.
   */
  async update(socket: SessionSocket, change: (session: SessionData) => void): Promise<void> {
    const req = socket.request as SocketRequest;
    let result: SessionData | undefined;
    const sid = req.storedSessionId;
    const modify = (this.access.modify ?? this.access.update).bind(this.access);
    const saved =
      sid !== undefined &&
      (await this.calls.run('session update', () =>
        modify(sid, (data) => {
          change(data);
          result = data;
        }),
      ));
    if (!saved || !result) throw SessionErrors.authRequired();
    req.session = result;
  }

  private async admit(socket: SessionSocket): Promise<void> {
    const req = this.asRequest(socket);
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && !this.isAllowedOrigin(req, origin)) {
      throw SessionErrors.csrfInvalid('Cross-origin connection refused');
    }
    const sessionId = this.sessionIdOf(socket);
    if (!sessionId) throw SessionErrors.authRequired();
    const sid = this.access.storedIdOf(sessionId);
    const data = await this.read(sid);
    const violation = this.check(req, data);
    if (violation) throw violation;
    const { user, auth } = data as Required<Pick<SessionData, 'user' | 'auth'>>;
    req.session = data as SessionData;
    req.sessionID = sessionId;
    req.storedSessionId = sid;
    attachContextResolver(req as Request, this.contextResolver);
    const tracked: Tracked = { socket, sid, userId: user.id, handle: auth.handle ?? sid };
    this.track(tracked);
    this.schedule(tracked, data as SessionData);
    socket.use((packet, next) => {
      this.refresh(tracked).then(
        (alive) => (alive ? next() : undefined),
        (err: unknown) => refuseMessage(socket, packet, toSessionError(err, this.logger)),
      );
    });
  }

  /** Listed, or the app's own origin (Express' request, or Node.js' own on Fastify). */
  private isAllowedOrigin(req: SocketRequest, origin: string): boolean {
    return this.origins.allowsOn(req as Request, origin);
  }

  /** The id in the handshake's cookie or `auth.token`; both at once is AMBIGUOUS_SESSION. */
  private sessionIdOf(socket: SessionSocket): string | undefined {
    const cookieHeader = socket.handshake.headers.cookie;
    const token = socket.handshake.auth?.token;
    const tokenGiven = this.options.headerSessions.enabled && typeof token === 'string';
    const cookieGiven = hasCookie(cookieHeader, this.options.name);
    if (tokenGiven && cookieGiven) throw SessionErrors.ambiguousSession();
    if (tokenGiven) return unsignSessionId(token, this.options.secret);
    if (!cookieGiven) return undefined;
    const raw = cookieValue(cookieHeader as string, this.options.name);
    if (!raw?.startsWith('s:')) return undefined;
    return unsignSessionId(raw.slice(2), this.options.secret);
  }

  private read(sid: string): Promise<SessionData | null> {
    return this.calls.run('session read', () => this.access.peek(sid));
  }

  /** Why the session may not be used by this socket now, if it may not. */
  private check(req: SocketRequest, data: SessionData | null): SessionHttpException | undefined {
    if (!data?.user || !data.auth) return SessionErrors.authRequired();
    const facts = {
      now: Date.now(),
      ip: () => req.ip,
      userAgent: () => req.get?.('user-agent') ?? req.headers['user-agent'],
    };
    return findViolation(data.auth, facts, this.options)?.error;
  }

  /** Before each message: the session as stored now, or the end of the socket. */
  private async refresh(tracked: Tracked): Promise<boolean> {
    const req = tracked.socket.request as SocketRequest;
    let data = await this.read(tracked.sid);
    if (!data) data = await this.followRotation(tracked);
    const violation = this.check(req, data);
    if (violation || !data) {
      this.end(tracked, violation?.code ?? SessionErrors.authRequired().code);
      return false;
    }
    req.session = data;
    await this.stampActivity(tracked, data);
    return true;
  }

  /**
   * A session whose id changed (rotation) keeps its handle: find its new stored id (the
   * registry keeps no session ids, so the request's `sessionID` keeps the id it arrived with).
   */
  private async followRotation(tracked: Tracked): Promise<SessionData | null> {
    const sid = await this.registry.sidOf(tracked.userId, tracked.handle);
    if (!sid || sid === tracked.sid) return null;
    tracked.sid = sid;
    (tracked.socket.request as SocketRequest).storedSessionId = sid;
    return this.read(sid);
  }

  private async stampActivity(tracked: Tracked, data: SessionData): Promise<void> {
    const auth = data.auth;
    const now = Date.now();
    if (!auth || now - auth.lastActivityAt < this.window) return;
    auth.lastActivityAt = now;
    await this.calls.run('session update', () =>
      this.access.update(tracked.sid, (stored) => {
        if (stored.auth) stored.auth.lastActivityAt = Math.max(stored.auth.lastActivityAt, now);
      }),
    );
    this.schedule(tracked, data);
  }

  /** A timer at the session's next timeout; when it fires, the stored session decides. */
  private schedule(tracked: Tracked, data: SessionData): void {
    clearTimeout(tracked.timer);
    const due = nextDeadline(data, this.options);
    if (due === undefined) return;
    tracked.timer = setTimeout(
      () => void this.onDeadline(tracked),
      Math.max(0, due - Date.now()) + 1,
    );
    tracked.timer.unref();
  }

  private async onDeadline(tracked: Tracked): Promise<void> {
    try {
      if (await this.refresh(tracked)) {
        this.schedule(tracked, (tracked.socket.request as SocketRequest).session as SessionData);
      }
    } catch (err) {
      this.logger.warn(`Session check of a socket failed: ${(err as Error).message}`);
      tracked.timer = setTimeout(() => void this.onDeadline(tracked), 1000);
      tracked.timer.unref();
    }
  }

  private onEnded({ handle, reason }: SessionEndedNotice): void {
    const sockets = this.byHandle.get(handle);
    if (!sockets) return;
    for (const tracked of [...sockets]) this.end(tracked, endedCodeOf(reason));
  }

  private track(tracked: Tracked): void {
    let set = this.byHandle.get(tracked.handle);
    if (!set) this.byHandle.set(tracked.handle, (set = new Set()));
    set.add(tracked);
    tracked.socket.on('disconnect', () => this.untrack(tracked));
  }

  private untrack(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    const set = this.byHandle.get(tracked.handle);
    set?.delete(tracked);
    if (set?.size === 0) this.byHandle.delete(tracked.handle);
  }

  private end(tracked: Tracked, code: string): void {
    this.untrack(tracked);
    if (!tracked.socket.connected) return;
    tracked.socket.emit(SESSION_ENDED_EVENT, { code });
    tracked.socket.disconnect(true);
  }

  /** The handshake request with Express' request API (ip through `trust proxy`, get, protocol). */
  private asRequest(socket: SessionSocket): SocketRequest {
    const req = socket.request as SocketRequest;
    const app = this.adapterHost.httpAdapter?.getInstance?.() as
      { request?: object; get?: unknown } | undefined;
    if (app?.request && typeof app.get === 'function' && !('app' in req)) {
      Object.setPrototypeOf(req, app.request);
    }
    return req;
  }
}

function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const trimmed = pair.trim();
    if (!trimmed.startsWith(`${name}=`)) continue;
    try {
      return decodeURIComponent(trimmed.slice(name.length + 1));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function nextDeadline(data: SessionData, options: ResolvedSessionOptions): number | undefined {
  const auth = data.auth;
  if (!auth) return undefined;
  const deadlines: number[] = [];
  if (options.absoluteTimeout !== false) deadlines.push(auth.createdAt + options.absoluteTimeout);
  if (options.idleTimeout !== false) deadlines.push(auth.lastActivityAt + options.idleTimeout);
  return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
}

function toSessionError(err: unknown, logger: Logger): SessionHttpException {
  if (err instanceof SessionHttpException) return err;
  logger.error(`Socket session check failed: ${(err as Error)?.message ?? err}`);
  return SessionErrors.storeUnavailable();
}

/** A connect_error for the client: the code as the message, the error body as `data`. */
function connectError(err: unknown, logger: Logger): Error {
  const exception = toSessionError(err, logger);
  const error = new Error(exception.code) as Error & { data?: unknown };
  error.data = exception.getResponse();
  return error;
}

/** Drops a message the session check could not admit, answering its ack with the error. */
function refuseMessage(socket: SessionSocket, packet: unknown[], error: SessionHttpException) {
  const body = error.getResponse();
  const ack = packet[packet.length - 1];
  if (typeof ack === 'function') (ack as (reply: unknown) => void)({ error: body });
  socket.emit('exception', body);
}
