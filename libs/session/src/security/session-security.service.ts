import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Store } from 'express-session';
import { InjectSessionOptions, InjectSessionStore } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionService } from '../session.service';
import { SessionEvents } from '../session-events';
import { sessionOf } from '../request-session';
import { headerOf } from '../http/node-request';
import { markSessionEnded } from './session-end';
import { isHeaderSession } from './header-session';
import { detachSession } from './detached-session';
import { activityWindow, findViolation, isRotationDue } from './session-checks';

/**
 * @internal Checks an authenticated session as soon as it is loaded: ends a session past its
 * idle or absolute timeout, refuses (or ends, per `bindingMismatch`) one used from another IP /
 * user agent (the guards then answer with the reason), stamps activity at most once per window,
 * and rotates the id when due.
 */
@Injectable()
export class SessionSecurity {
  private readonly window: number;

  constructor(
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    private readonly sessions: SessionService,
    private readonly events: SessionEvents,
    @InjectSessionStore() private readonly store: Store,
  ) {
    this.window = activityWindow(options);
  }

  /** Resolves when a check had to write (end, rotate); undefined when there was nothing to do. */
  inspect(req: Request): Promise<void> | undefined {
    const session = sessionOf(req);
    const { user, auth } = session ?? {};
    if (!session || !user || !auth) return undefined;
    const now = Date.now();
    const facts = { now, ip: () => req.ip, userAgent: () => headerOf(req, 'user-agent') };
    const violation = findViolation(auth, facts, this.options);
    if (violation?.reason === 'binding' && this.options.bindingMismatch === 'refuse') {
      detachSession(req, this.store);
      markSessionEnded(req, violation.error);
      return undefined;
    }
    if (violation) {
      return this.sessions
        .terminate(req, violation.reason)
        .then(() => markSessionEnded(req, violation.error));
    }
    if (now - auth.lastActivityAt >= this.window) {
      session.auth = { ...auth, lastActivityAt: now };
      void this.events.emit('activity', { request: req, user, auth: session.auth, at: now });
    }
    if (isRotationDue(auth, now, this.options) && !isHeaderSession(req)) {
      return this.sessions.rotate(req, { keepCsrfToken: true });
    }
    return undefined;
  }
}
