import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SessionHttpException } from 'nest-session-kit';
import { AUTH_STATE_STORE, type AuthStateStore } from './auth-state.store';

const IP_WINDOW_MS = 15 * 60_000;

/** One login attempt, counted before the password is checked so parallel guesses count too. */
export interface LoginAttempt {
  accountKey: string;
  ipKey: string;
  accountCount: number;
  ipCount: number;
}

/** One second-factor attempt of an account, counted before the code is checked. */
export interface SecondFactorAttempt {
  accountKey: string;
  accountCount: number;
  ip: string | undefined;
}

/**
 * Login throttling: LOGIN_MAX_ATTEMPTS failed logins lock an account (known or not, so a 429
 * reveals nothing) for LOGIN_LOCKOUT_MS from the locking failure; LOGIN_IP_MAX_FAILURES failures
 * from one client IP in 15 minutes block that IP. Successful logins do not count. Wrong second
 * factors have a count of their own per account, which a password login does not reset.
 */
@Injectable()
export class LoginThrottle {
  private readonly maxAttempts: number;
  private readonly lockoutMs: number;
  private readonly ipMaxFailures: number;

  constructor(
    @Inject(AUTH_STATE_STORE) private readonly state: AuthStateStore,
    config: ConfigService,
  ) {
    this.maxAttempts = positive(config.get<string>('LOGIN_MAX_ATTEMPTS'), 5);
    this.lockoutMs = positive(config.get<string>('LOGIN_LOCKOUT_MS'), 30 * 60_000);
    this.ipMaxFailures = positive(config.get<string>('LOGIN_IP_MAX_FAILURES'), 50);
  }

  /** Counts the attempt, or throws 429 TOO_MANY_ATTEMPTS when the account or the IP is locked. */
  async begin(email: string, ip: string | undefined): Promise<LoginAttempt> {
    const { accountKey, ipKey, accountCount, ipCount } = await this.count(email, ip);
    const locked = [
      ...(accountCount > this.maxAttempts ? [accountKey] : []),
      ...(ipCount > this.ipMaxFailures ? [ipKey] : []),
    ];
    if (locked.length === 0) return { accountKey, ipKey, accountCount, ipCount };
    await Promise.all([this.state.undo(accountKey), this.state.undo(ipKey)]);
    throw await this.tooManyAttempts(locked);
  }

  /**
   * Counts a second-factor attempt of the account, or throws 429 TOO_MANY_ATTEMPTS once
   * LOGIN_MAX_ATTEMPTS wrong codes were sent, whatever the logins and IPs they came through.
   */
  async beginSecondFactor(userId: string, ip: string | undefined): Promise<SecondFactorAttempt> {
    const accountKey = `second-factor:${userId}`;
    const accountCount = await this.state.hit(accountKey, this.lockoutMs);
    if (accountCount <= this.maxAttempts) return { accountKey, accountCount, ip };
    await this.state.undo(accountKey);
    throw await this.tooManyAttempts([accountKey]);
  }

  /** A wrong code: it stays counted, locks at LOGIN_MAX_ATTEMPTS, and counts for the IP too. */
  async failedSecondFactor(attempt: SecondFactorAttempt): Promise<void> {
    if (attempt.accountCount === this.maxAttempts) {
      await this.state.restartWindow(attempt.accountKey, this.lockoutMs);
    }
    const ipKey = this.ipKeyOf(attempt.ip);
    if ((await this.state.hit(ipKey, IP_WINDOW_MS)) === this.ipMaxFailures) {
      await this.state.restartWindow(ipKey, IP_WINDOW_MS);
    }
  }

  async succeededSecondFactor(attempt: SecondFactorAttempt): Promise<void> {
    await this.state.reset(attempt.accountKey);
  }

  async failed(attempt: LoginAttempt): Promise<void> {
    if (attempt.accountCount === this.maxAttempts) {
      await this.state.restartWindow(attempt.accountKey, this.lockoutMs);
    }
    if (attempt.ipCount === this.ipMaxFailures) {
      await this.state.restartWindow(attempt.ipKey, IP_WINDOW_MS);
    }
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    await Promise.all([this.state.reset(attempt.accountKey), this.state.undo(attempt.ipKey)]);
  }

  private async count(email: string, ip: string | undefined): Promise<LoginAttempt> {
    const accountKey = `account:${email.trim().toLowerCase()}`;
    const ipKey = this.ipKeyOf(ip);
    const [accountCount, ipCount] = await Promise.all([
      this.state.hit(accountKey, this.lockoutMs),
      this.state.hit(ipKey, IP_WINDOW_MS),
    ]);
    return { accountKey, ipKey, accountCount, ipCount };
  }

  private ipKeyOf(ip: string | undefined): string {
    return `ip:${ip ?? 'unknown'}`;
  }

  private async tooManyAttempts(lockedKeys: string[]): Promise<TooManyAttemptsException> {
    const remaining = await Promise.all(lockedKeys.map((key) => this.state.remainingMs(key)));
    return new TooManyAttemptsException(Math.max(1, Math.ceil(Math.max(...remaining) / 1000)));
  }
}

/** 429 TOO_MANY_ATTEMPTS; the error filter sends `retryAfterSeconds` as the Retry-After header. */
export class TooManyAttemptsException extends SessionHttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_ATTEMPTS',
      'Too many failed login attempts; try again later',
    );
  }
}

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
