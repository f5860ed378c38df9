import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { FreshLoginGuard } from './fresh-login.guard';
import { RequireFreshLogin } from '../decorators/access.decorators';
import { applySessionDefaults, DEFAULT_FRESH_LOGIN_MS } from '../session.options';
import { markSessionEnded } from '../security/session-end';
import { SessionErrors, SessionHttpException } from '../errors';
import { contextOf, thrownBy, type Handler } from './guard-context.spec-support';

const NOW = 1_700_000_000_000;

function requestWith(session?: Record<string, unknown>): Request {
  const headers: Record<string, string> = {};
  return {
    method: 'DELETE',
    headers,
    get: (name: string) => headers[name.toLowerCase()],
    ...(session ? { session } : {}),
  } as unknown as Request;
}

/** A signed-in request whose login happened `age` ms before NOW. */
const loggedIn = (age: number) =>
  requestWith({
    user: { id: 'u1', roles: ['user'] },
    auth: { createdAt: NOW - age, authenticatedAt: NOW - age, lastActivityAt: NOW },
  });

class FixedClockGuard extends FreshLoginGuard {
  protected override now(): number {
    return NOW;
  }
}

const guardWith = (freshLoginMaxAge?: number) =>
  new FixedClockGuard(new Reflector(), applySessionDefaults({ secret: 's', freshLoginMaxAge }));

class AccountController {
  none() {}
  @RequireFreshLogin() sensitive() {}
  @RequireFreshLogin(10_000) verySensitive() {}
}

@RequireFreshLogin(60_000)
class SecurityController {
  inherited() {}
  @RequireFreshLogin(1_000) stricter() {}
}

describe('FreshLoginGuard', () => {
  const guard = guardWith(120_000);
  const A = AccountController.prototype;
  const run = (req: Request, handler: Handler, cls: Type<unknown> = AccountController) =>
    guard.canActivate(contextOf(req, handler, cls));

  it('without metadata lets everyone through, even anonymous', () => {
    expect(run(requestWith(), A.none)).toBe(true);
    expect(run(loggedIn(10 * 3_600_000), A.none)).toBe(true);
  });

  it('takes the default max age from the module options', () => {
    expect(run(loggedIn(120_000), A.sensitive)).toBe(true);
    const err = thrownBy(() => run(loggedIn(120_001), A.sensitive));
    expect(err.getStatus()).toBe(401);
    expect(err.getResponse()).toEqual({
      statusCode: 401,
      code: 'REAUTH_REQUIRED',
      message: expect.any(String),
    });
  });

  it('defaults to five minutes when the options do not say', () => {
    const defaults = guardWith();
    const ctx = (age: number) => contextOf(loggedIn(age), A.sensitive, AccountController);
    expect(DEFAULT_FRESH_LOGIN_MS).toBe(300_000);
    expect(defaults.canActivate(ctx(300_000))).toBe(true);
    expect(() => defaults.canActivate(ctx(300_001))).toThrow(SessionHttpException);
  });

  it('honours a per-route max age on the handler', () => {
    expect(run(loggedIn(10_000), A.verySensitive)).toBe(true);
    expect(thrownBy(() => run(loggedIn(10_001), A.verySensitive)).code).toBe('REAUTH_REQUIRED');
  });

  it('reads the class metadata when the handler has none', () => {
    const handler = SecurityController.prototype.inherited;
    expect(run(loggedIn(60_000), handler, SecurityController)).toBe(true);
    expect(thrownBy(() => run(loggedIn(60_001), handler, SecurityController)).code).toBe(
      'REAUTH_REQUIRED',
    );
  });

  it('prefers the handler metadata over the class', () => {
    const handler = SecurityController.prototype.stricter;
    expect(run(loggedIn(1_000), handler, SecurityController)).toBe(true);
    expect(thrownBy(() => run(loggedIn(1_001), handler, SecurityController)).code).toBe(
      'REAUTH_REQUIRED',
    );
  });

  it('treats a session without login bookkeeping as stale', () => {
    const req = requestWith({ user: { id: 'u1', roles: ['user'] } });
    expect(thrownBy(() => run(req, A.sensitive)).code).toBe('REAUTH_REQUIRED');
  });

  it('answers 401 AUTH_REQUIRED when anonymous', () => {
    const err = thrownBy(() => run(requestWith({}), A.sensitive));
    expect(err.getStatus()).toBe(401);
    expect(err.code).toBe('AUTH_REQUIRED');
  });

  it('answers the recorded end reason when the session just ended', () => {
    const req = requestWith({});
    markSessionEnded(req, SessionErrors.sessionTimeout());
    expect(thrownBy(() => run(req, A.sensitive)).code).toBe('SESSION_TIMEOUT');
  });

  it('uses the real clock unless now() is overridden', () => {
    const real = new FreshLoginGuard(new Reflector(), applySessionDefaults({ secret: 's' }));
    const fresh = requestWith({
      user: { id: 'u1', roles: [] },
      auth: { authenticatedAt: Date.now() },
    });
    expect(real.canActivate(contextOf(fresh, A.sensitive, AccountController))).toBe(true);
  });
});
