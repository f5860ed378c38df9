import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CsrfGuard } from './csrf.guard';
import { SkipCsrf } from '../decorators/access.decorators';
import { SkipCsrfMetadata } from '../session.metadata';
import { applySessionDefaults, type CsrfOptions } from '../session.options';
import { markNewSession } from '../security/session-origin';
import { SessionHttpException } from '../errors';
import { contextOf, thrownBy, type Handler } from './guard-context.spec-support';

const TOKEN = 'kq2-4bI5m0W1n3n8tQ9wYh0jVfP6cZ0aX1sD2fG3hJ4';

interface RequestInit {
  method?: string;
  protocol?: 'http' | 'https';
  headers?: Record<string, string>;
  /** undefined: no session at all. */
  session?: Record<string, unknown>;
}

function fakeRequest({ method = 'POST', protocol = 'http', headers = {}, session }: RequestInit) {
  const lower: Record<string, string> = { host: 'app.test', ...headers };
  for (const key of Object.keys(lower)) lower[key.toLowerCase()] = lower[key];
  return {
    method,
    protocol,
    headers: lower,
    get: (name: string) => lower[name.toLowerCase()],
    ...(session ? { session } : {}),
  } as unknown as Request;
}

const liveSession = (headers: Record<string, string> = {}, method = 'POST') =>
  fakeRequest({ method, headers, session: { csrfToken: TOKEN } });

class FormsController {
  submit() {}
  @SkipCsrf() webhook() {}
}

@SkipCsrf()
class WebhooksController {
  receive() {}
  @SkipCsrfMetadata(false) guarded() {}
}

const guardWith = (csrf: CsrfOptions = {}) =>
  new CsrfGuard(new Reflector(), applySessionDefaults({ secret: 's', csrf }));

describe('CsrfGuard', () => {
  const guard = guardWith({ allowedOrigins: ['https://front.example'] });
  const F = FormsController.prototype;
  const run = (req: Request, handler: Handler = F.submit, cls: Type<unknown> = FormsController) =>
    guard.canActivate(contextOf(req, handler, cls));
  const refused = (req: Request, handler?: Handler, cls?: Type<unknown>) => {
    const err = thrownBy(() => run(req, handler, cls));
    expect(err.getStatus()).toBe(403);
    expect(err.getResponse()).toEqual({
      statusCode: 403,
      code: 'CSRF_INVALID',
      message: expect.any(String),
    });
  };

  it.each(['GET', 'HEAD', 'OPTIONS'])('lets a safe %s through, whatever it carries', (method) => {
    const req = liveSession({ origin: 'https://evil.example' }, method);
    expect(run(req)).toBe(true);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'refuses a %s with a live session and no token',
    (method) => {
      refused(liveSession({}, method));
    },
  );

  describe('HTML form posts', () => {
    const formPost = (body: Record<string, unknown>, type = 'application/x-www-form-urlencoded') =>
      Object.assign(liveSession({ 'content-type': type }), { body });

    it('takes the token from the _csrf field of a urlencoded body', () => {
      expect(run(formPost({ _csrf: TOKEN }))).toBe(true);
      expect(
        run(formPost({ _csrf: TOKEN }, 'application/x-www-form-urlencoded; charset=utf-8')),
      ).toBe(true);
    });

    it('refuses a wrong, repeated or missing field, and the field in a JSON body', () => {
      refused(formPost({ _csrf: 'wrong' }));
      refused(formPost({ _csrf: [TOKEN, TOKEN] }));
      refused(formPost({}));
      refused(formPost({ _csrf: TOKEN }, 'application/json'));
    });

    it('reads the field named by csrf.fieldName', () => {
      const named = guardWith({ fieldName: 'authenticity_token' });
      const req = formPost({ authenticity_token: TOKEN });
      expect(named.canActivate(contextOf(req, F.submit, FormsController))).toBe(true);
    });
  });

  describe('Origin', () => {
    it('refuses a disallowed Origin even without a session', () => {
      refused(fakeRequest({ headers: { origin: 'https://evil.example' } }));
    });

    it('refuses a disallowed Origin even with the right token', () => {
      refused(liveSession({ origin: 'https://evil.example', 'x-csrf-token': TOKEN }));
    });

    it('refuses the opaque origin "null"', () => {
      refused(fakeRequest({ headers: { origin: 'null' } }));
    });

    it('allows the app’s own origin', () => {
      expect(run(fakeRequest({ headers: { origin: 'http://app.test' } }))).toBe(true);
      expect(run(fakeRequest({ protocol: 'https', headers: { origin: 'https://app.test' } }))).toBe(
        true,
      );
    });

    it('refuses the own host on another scheme or port', () => {
      refused(fakeRequest({ headers: { origin: 'https://app.test' } }));
      refused(fakeRequest({ headers: { origin: 'http://app.test:8080' } }));
    });

    it('refuses a look-alike of the own host', () => {
      refused(fakeRequest({ headers: { origin: 'http://app.test.evil.example' } }));
    });

    it('allows a configured origin, compared as an origin', () => {
      expect(run(fakeRequest({ headers: { origin: 'https://front.example' } }))).toBe(true);
      expect(run(fakeRequest({ headers: { origin: 'https://FRONT.example:443' } }))).toBe(true);
      refused(fakeRequest({ headers: { origin: 'http://front.example' } }));
    });

    it('accepts a request without Origin and without a session', () => {
      expect(run(fakeRequest({}))).toBe(true);
    });
  });

  describe('the session token', () => {
    it('passes with the session token in x-csrf-token', () => {
      expect(run(liveSession({ 'x-csrf-token': TOKEN }))).toBe(true);
      expect(run(liveSession({ origin: 'http://app.test', 'x-csrf-token': TOKEN }))).toBe(true);
    });

    it('refuses a wrong token of the same length', () => {
      const wrong = TOKEN.slice(0, -1) + (TOKEN.endsWith('x') ? 'y' : 'x');
      refused(liveSession({ 'x-csrf-token': wrong }));
    });

    it('refuses a token of another length without throwing from the comparison', () => {
      refused(liveSession({ 'x-csrf-token': TOKEN.slice(1) }));
      refused(liveSession({ 'x-csrf-token': TOKEN + 'x' }));
      refused(liveSession({ 'x-csrf-token': '' }));
    });

    it('refuses when the session has no token yet', () => {
      refused(fakeRequest({ session: {}, headers: { 'x-csrf-token': '' } }));
      refused(fakeRequest({ session: {}, headers: { 'x-csrf-token': 'undefined' } }));
    });

    it('does not ask a session created by this very request for a token', () => {
      const req = fakeRequest({ session: {} });
      markNewSession(req);
      expect(run(req)).toBe(true);
    });

    it('still checks the Origin of a new session', () => {
      const req = fakeRequest({ session: {}, headers: { origin: 'https://evil.example' } });
      markNewSession(req);
      refused(req);
    });

    it('reads the configured header name', () => {
      const custom = guardWith({ headerName: 'X-XSRF-Token' });
      const ctx = (headers: Record<string, string>) =>
        contextOf(liveSession(headers), F.submit, FormsController);
      expect(custom.canActivate(ctx({ 'x-xsrf-token': TOKEN }))).toBe(true);
      expect(() => custom.canActivate(ctx({ 'x-csrf-token': TOKEN }))).toThrow(
        SessionHttpException,
      );
    });
  });

  describe('@SkipCsrf()', () => {
    it('on the handler only', () => {
      expect(run(liveSession(), F.webhook)).toBe(true);
    });

    it('on the class only', () => {
      expect(run(liveSession(), WebhooksController.prototype.receive, WebhooksController)).toBe(
        true,
      );
    });

    it('on both: the handler wins', () => {
      refused(liveSession(), WebhooksController.prototype.guarded, WebhooksController);
    });

    it('on neither: the check applies', () => {
      refused(liveSession(), F.submit, FormsController);
    });
  });

  it('does nothing when csrf.enabled is false', () => {
    const off = guardWith({ enabled: false });
    const req = liveSession({ origin: 'https://evil.example' });
    expect(off.canActivate(contextOf(req, F.submit, FormsController))).toBe(true);
  });
});
