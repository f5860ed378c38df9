import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SessionHttpException } from 'nest-session-kit';
import { ATTEMPT_COUNTER, type AttemptCounter } from './attempt-counter';

const IP_WINDOW_MS = 15 * 60_000;

/**
 * Login throttling: LOGIN_MAX_ATTEMPTS failed logins lock an account (known or not, so a 429
 * reveals nothing) for LOGIN_LOCKOUT_MS; LOGIN_IP_MAX_FAILURES failures from one client IP in
 * 15 minutes block that IP. Successful logins do not count. 429 TOO_MANY_ATTEMPTS with
 * Retry-After.
 */
@Injectable()
export class LoginThrottle {
  private readonly maxAttempts: number;
  private readonly lockoutMs: number;
  private readonly ipMaxFailures: number;

  constructor(
    @Inject(ATTEMPT_COUNTER) private readonly counter: AttemptCounter,
    config: ConfigService,
  ) {
    this.maxAttempts = positive(config.get<string>('LOGIN_MAX_ATTEMPTS'), 5);
    this.lockoutMs = positive(config.get<string>('LOGIN_LOCKOUT_MS'), 30 * 60_000);
    this.ipMaxFailures = positive(config.get<string>('LOGIN_IP_MAX_FAILURES'), 50);
  }

  /** Throws 429 when the account or the IP is locked out. */
  async assertAllowed(email: string, ip: string | undefined): Promise<void> {
    const [account, client] = await Promise.all([
      this.counter.peek(accountKey(email)),
      this.counter.peek(ipKey(ip)),
    ]);
    const blocked = [
      account.count >= this.maxAttempts ? account.remainingMs : 0,
      client.count >= this.ipMaxFailures ? client.remainingMs : 0,
    ];
    const retryAfterMs = Math.max(...blocked);
    if (retryAfterMs > 0) throw tooManyAttempts(retryAfterMs);
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    await Promise.all([
      this.counter.hit(accountKey(email), this.lockoutMs),
      this.counter.hit(ipKey(ip), IP_WINDOW_MS),
    ]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.counter.reset(accountKey(email));
  }
}

/** A 429 whose `retryAfter` the filter turns into the Retry-After header. */
export class TooManyAttemptsException extends SessionHttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_ATTEMPTS',
      'Too many failed login attempts; try again later',
      { retryAfter: retryAfterSeconds },
    );
  }
}

function tooManyAttempts(retryAfterMs: number): TooManyAttemptsException {
  return new TooManyAttemptsException(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

function ipKey(ip: string | undefined): string {
  return `ip:${ip ?? 'unknown'}`;
}

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
