import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { type Store } from 'express-session';
import { InjectSessionOptions } from './session.constants';
import type { ResolvedSessionOptions } from './session.options';
import { SessionErrors } from './errors';
import { markNewSession } from './security/session-origin';
import { HeaderSessionReader } from './security/header-session';
import { finishSessionHeaders } from './security/session-response-headers';
import { sessionIdGenerator } from './security/session-successor';
import { SessionSecurity } from './security/session-security.service';
import { SESSION_BACKEND, type SessionBackend } from './backends/backend';
import { SessionBackendCalls } from './backends/backend-calls';
import { commitBeforeEnd } from './commit-before-end';
import { PageHistoryRecorder } from './data/page-history.recorder';
import {
  attachContextResolver,
  DEFAULT_CONTEXT_RESOLVER,
  SessionContextResolver,
} from './context/session-context.resolver';
import { PlainHttpWarning } from './security/plain-http.warning';
import { completeNodeRequest } from './http/node-request';

/** Reads leave their rare, best-effort session changes to express-session's own save. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * @internal express-session, applied by SessionModule, followed by the security checks of the
 * loaded session. A store failure becomes a 503 SESSION_STORE_UNAVAILABLE instead of a request
 * without a session, and a state-changing request's response waits until its session is saved.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly handler: RequestHandler;
  private readonly pageHistory?: PageHistoryRecorder;
  private readonly hasUnsavedChanges?: (session: object) => boolean;
  private readonly plainHttp: PlainHttpWarning;
  private readonly headerSessions?: HeaderSessionReader;
  private readonly headerOptions: { cookieName: string; noStore: boolean };
  private storeReady = true;

  constructor(
    @InjectSessionOptions() options: ResolvedSessionOptions,
    @Inject(SESSION_BACKEND) backend: SessionBackend,
    private readonly calls: SessionBackendCalls,
    private readonly security: SessionSecurity,
    private readonly contextResolver: SessionContextResolver,
  ) {
    const store = backend.requestStore ?? backend.store;
    const { access } = backend;
    this.handler = session({
      secret: options.secret,
      name: options.name,
      store,
      cookie: { ...options.cookie },
      resave: options.resave,
      saveUninitialized: options.saveUninitialized,
      rolling: options.rolling,
      unset: options.unset,
      genid: sessionIdGenerator(options.genid),
      ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
    });
    this.hasUnsavedChanges = access.hasUnsavedChanges?.bind(access);
    this.plainHttp = new PlainHttpWarning(options);
    if (options.headerSessions.enabled) this.headerSessions = new HeaderSessionReader(options);
    this.headerOptions = { cookieName: options.name, noStore: options.noStore };
    if (options.pageHistory) this.pageHistory = new PageHistoryRecorder(options.pageHistory);
    markGeneratedSessions(store);
    store.on('disconnect', () => (this.storeReady = false));
    store.on('connect', () => (this.storeReady = true));
  }

  /** Rejects (into Nest's exception filters) only when the store or a security check failed. */
  use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const refused = this.headerSessions?.prepare(req, res);
    if (refused) return Promise.reject(refused);
    let settled = false;
    completeNodeRequest(req, res);
    if (this.contextResolver !== DEFAULT_CONTEXT_RESOLVER) {
      attachContextResolver(req, this.contextResolver);
    }
    this.plainHttp.check(req);
    finishSessionHeaders(req, res, this.headerOptions);
    return new Promise<void>((resolve, reject) => {
      this.handler(req, res, (err?: unknown) => {
        if (settled) {
          // express-session reports end-of-request write failures here, after the response.
          if (err) this.calls.report('write after the response', err);
          return;
        }
        settled = true;
        if (err) {
          this.calls.report('read', err);
          return reject(SessionErrors.storeUnavailable());
        }
        if (!req.session && !this.storeReady) return reject(SessionErrors.storeUnavailable());
        if (this.hasUnsavedChanges && !READ_METHODS.has(req.method)) {
          commitBeforeEnd(req, res, this.hasUnsavedChanges);
        }
        this.pageHistory?.watch(req, res);
        const proceed = () => {
          resolve();
          next();
        };
        const checking = this.security.inspect(req);
        if (checking) checking.then(proceed, reject);
        else proceed();
      });
    });
  }
}

/** express-session assigns `store.generate` when it is set up; wrap it to know new sessions. */
function markGeneratedSessions(store: Store): void {
  const target = store as Store & { generate: (req: Request) => void };
  const generate = target.generate.bind(store);
  target.generate = (req: Request) => {
    generate(req);
    markNewSession(req);
  };
}
