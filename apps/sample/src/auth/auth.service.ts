import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SessionService, type SessionPrincipal } from 'nest-session-kit';
import { UsersRepository, type PublicUser } from '../users/users.repository';
import { AuthErrors } from './auth.errors';
import { TotpVerifier } from './mfa/totp-verifier';
import { LoginThrottle } from './throttling/login-throttle.service';
import './auth.types';

/** What survives the session id change at login: the anonymous visitor's session data. */
export const CARRIED_AT_LOGIN = ['cart', 'preferences', 'history'];
const MFA_PENDING_MS = 5 * 60_000;
const MFA_MAX_FAILURES = 5;

export type LoginResult =
  { user: SessionPrincipal; csrfToken: string } | { mfaRequired: true; csrfToken: string };

@Injectable()
export class AuthService {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersRepository,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpVerifier,
  ) {}

  async login(req: Request, email: string, password: string, rememberMe = false) {
    await this.throttle.assertAllowed(email, req.ip);
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      await this.throttle.recordFailure(email, req.ip);
      throw AuthErrors.invalidCredentials();
    }
    await this.throttle.recordSuccess(email);
    if (user.mfaEnabled) return this.beginMfa(req, user);
    return this.complete(req, user, rememberMe);
  }

  async verifyMfa(req: Request, code: string): Promise<LoginResult> {
    const pending = req.session.mfaPending;
    if (!pending || Date.now() - pending.startedAt > MFA_PENDING_MS) {
      throw AuthErrors.mfaNotPending();
    }
    const user = this.users.findById(pending.userId);
    const secret = this.users.mfaSecretOf(pending.userId);
    if (!user || !secret) throw AuthErrors.mfaNotPending();
    if (!this.totp.verify(user.id, secret, code)) {
      const failures = pending.failures + 1;
      if (failures >= MFA_MAX_FAILURES) delete req.session.mfaPending;
      else req.session.mfaPending = { ...pending, failures };
      await this.sessions.save(req);
      throw AuthErrors.invalidMfaCode();
    }
    return this.complete(req, user, false);
  }

  /** The password is right but a second factor is due: a new session id, not yet signed in. */
  private async beginMfa(req: Request, user: PublicUser): Promise<LoginResult> {
    const carried = CARRIED_AT_LOGIN.filter((key) => key in req.session).map(
      (key) => [key, (req.session as unknown as Record<string, unknown>)[key]] as const,
    );
    await this.sessions.regenerate(req);
    for (const [key, value] of carried) {
      (req.session as unknown as Record<string, unknown>)[key] = value;
    }
    req.session.mfaPending = { userId: user.id, startedAt: Date.now(), failures: 0 };
    return { mfaRequired: true, csrfToken: await this.sessions.csrfToken(req) };
  }

  private async complete(req: Request, user: PublicUser, rememberMe: boolean) {
    const principal = { id: user.id, email: user.email, roles: user.roles };
    await this.sessions.login(req, principal, { carry: CARRIED_AT_LOGIN, rememberMe });
    return { user: principal, csrfToken: req.session.csrfToken as string };
  }
}
