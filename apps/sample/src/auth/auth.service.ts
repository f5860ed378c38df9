import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { isHeaderSession, SessionService, type SessionPrincipal } from 'nest-session-kit';
import { UsersRepository, type PublicUser } from '../users/users.repository';
import { AuthErrors } from './auth.errors';
import { TotpVerifier } from './mfa/totp-verifier';
import { LoginThrottle } from './state/login-throttle.service';
import { AUTH_STATE_STORE, type AuthStateStore } from './state/auth-state.store';
import './auth.types';

/** What survives the session id change at login from an anonymous session (only from one). */
export const CARRIED_AT_LOGIN = ['cart', 'preferences', 'history'];
const MFA_PENDING_MS = 5 * 60_000;
/** Codes tried per pending login, counted atomically so parallel guesses count too. */
const MFA_MAX_TRIES = 5;

/** A cookie login answers the CSRF token; a header login (`POST /auth/token`) the session token. */
export type LoginResult =
  | { user: SessionPrincipal; csrfToken: string }
  | { mfaRequired: true; csrfToken: string }
  | { user: SessionPrincipal; token: string }
  | { mfaRequired: true; token: string };

export type LoginTransport = 'cookie' | 'header';

@Injectable()
export class AuthService {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersRepository,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpVerifier,
    @Inject(AUTH_STATE_STORE) private readonly state: AuthStateStore,
  ) {}

  async login(
    req: Request,
    email: string,
    password: string,
    { rememberMe = false, transport = 'cookie' as LoginTransport } = {},
  ): Promise<LoginResult> {
    const attempt = await this.throttle.begin(email, req.ip);
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      await this.throttle.failed(attempt);
      throw AuthErrors.invalidCredentials();
    }
    await this.throttle.succeeded(attempt);
    if (user.mfaEnabled) return this.beginMfa(req, user, transport);
    return this.complete(req, user, rememberMe, transport);
  }

  async verifyMfa(req: Request, code: string): Promise<LoginResult> {
    const pending = req.session.mfaPending;
    if (!pending || Date.now() - pending.startedAt > MFA_PENDING_MS) {
      throw AuthErrors.mfaNotPending();
    }
    const user = this.users.findById(pending.userId);
    const secret = this.users.mfaSecretOf(pending.userId);
    if (!user || !secret) throw AuthErrors.mfaNotPending();
    const tries = await this.state.hit(`mfa:${pending.id}`, MFA_PENDING_MS);
    if (tries > MFA_MAX_TRIES) return this.abandonMfa(req, AuthErrors.mfaNotPending());
    const attempt = await this.throttle.beginSecondFactor(user.id, req.ip);
    if (!(await this.totp.verify(user.id, secret, code))) {
      await this.throttle.failedSecondFactor(attempt);
      if (tries === MFA_MAX_TRIES) return this.abandonMfa(req, AuthErrors.invalidMfaCode());
      throw AuthErrors.invalidMfaCode();
    }
    await this.throttle.succeededSecondFactor(attempt);
    return this.complete(req, user, false, isHeaderSession(req) ? 'header' : 'cookie');
  }

  /**
   * The signed-in user's password, checked again (re-authentication, password change): a wrong
   * one counts toward the account's lockout as a failed login does, and a locked account gets
   * 429 TOO_MANY_ATTEMPTS even with the right one.
   */
  async verifyCurrentPassword(req: Request, userId: string, password: string): Promise<void> {
    const email = this.users.findById(userId)?.email ?? userId;
    const attempt = await this.throttle.begin(email, req.ip);
    if (!(await this.users.verifyPassword(userId, password))) {
      await this.throttle.failed(attempt);
      throw AuthErrors.invalidCredentials();
    }
    await this.throttle.succeeded(attempt);
  }

  private async abandonMfa(req: Request, error: Error): Promise<never> {
    delete req.session.mfaPending;
    await this.sessions.save(req);
    throw error;
  }

  /** The password is right but a second factor is due: a new session id, not yet signed in. */
  private async beginMfa(
    req: Request,
    user: PublicUser,
    transport: LoginTransport,
  ): Promise<LoginResult> {
    await this.sessions.regenerateForLogin(req, CARRIED_AT_LOGIN);
    req.session.mfaPending = {
      id: randomBytes(16).toString('base64url'),
      userId: user.id,
      startedAt: Date.now(),
    };
    if (transport === 'header') {
      return { mfaRequired: true, token: await this.sessions.issueHeaderToken(req) };
    }
    return { mfaRequired: true, csrfToken: await this.sessions.csrfToken(req) };
  }

  private async complete(
    req: Request,
    user: PublicUser,
    rememberMe: boolean,
    transport: LoginTransport,
  ): Promise<LoginResult> {
    const principal = { id: user.id, email: user.email, roles: user.roles };
    await this.sessions.login(req, principal, { carry: CARRIED_AT_LOGIN, rememberMe, transport });
    const token = this.sessions.headerToken(req);
    if (token) return { user: principal, token };
    return { user: principal, csrfToken: req.session.csrfToken as string };
  }
}
