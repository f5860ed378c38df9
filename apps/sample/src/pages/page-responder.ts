import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  InjectSessionOptions,
  RoleHierarchy,
  SessionFlash,
  SessionService,
  type ResolvedSessionOptions,
} from 'nest-session-kit';
import type { Html } from './html';
import { layout, type PageFrame } from './views/layout.view';
import { redirectTo, sendHtml } from './page-reply';

/** Pages allow their own stylesheet and forms to themselves: no script, no inline style. */
const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Renders pages inside the layout, with the headers every page gets. */
@Injectable()
export class PageResponder {
  private readonly roles: RoleHierarchy;

  constructor(
    private readonly sessions: SessionService,
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
  ) {
    this.roles = new RoleHierarchy(options.roleHierarchy);
  }

  /** Sends `content` in the layout: who is signed in, and the flash messages, read once. */
  send(req: Request, res: Response, title: string, content: Html, status = 200): void {
    const user = req.session?.user;
    const frame: PageFrame = {
      title,
      user,
      isAdmin: user ? this.roles.satisfiesAny(user.roles, ['admin']) : false,
      flash: req.session ? SessionFlash.of(req).consumeAll() : [],
    };
    const headers = {
      'Content-Security-Policy': PAGE_CSP,
      // Under `no-referrer` (helmet's default) a browser sends `Origin: null` with a form post,
      // which the CSRF check must refuse; `same-origin` keeps the origin for the app's own forms.
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    sendHtml(res, status, headers, layout(frame, content).markup);
  }

  /**
   * The CSRF token for the page's forms (a hidden `_csrf` field). Every page a visitor sees is
   * kept in the session's navigation history, so the page has a session by then anyway.
   */
  csrfToken(req: Request): Promise<string> {
    return this.sessions.csrfToken(req);
  }

  /** Whether the login is recent enough for sensitive actions (`freshLoginMaxAge`). */
  isFreshLogin(req: Request): boolean {
    const authenticatedAt = req.session?.auth?.authenticatedAt ?? 0;
    return Date.now() - authenticatedAt <= this.options.freshLoginMaxAge;
  }

  /** A 303 to `location` with a flash message for the next page. */
  redirectWithFlash(
    req: Request,
    res: Response,
    location: string,
    type: 'success' | 'error',
    message: string,
  ): void {
    SessionFlash.of(req).add(type, message);
    redirectTo(res, location);
  }
}
