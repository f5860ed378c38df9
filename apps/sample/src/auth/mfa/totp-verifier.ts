import { Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one step of clock drift either way. A code is
 * accepted once: the last accepted time step per user is remembered, so a replay fails.
 */
@Injectable()
export class TotpVerifier {
  private readonly lastAcceptedStep = new Map<string, number>();

  verify(userId: string, base32Secret: string, code: string): boolean {
    const totp = new TOTP({ secret: Secret.fromBase32(base32Secret), digits: 6, period: 30 });
    const delta = totp.validate({ token: code, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(Date.now() / 30_000) + delta;
    if (step <= (this.lastAcceptedStep.get(userId) ?? -1)) return false;
    this.lastAcceptedStep.set(userId, step);
    return true;
  }
}
