import { Inject, Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import { AUTH_STATE_STORE, type AuthStateStore } from '../state/auth-state.store';

const PERIOD_SECONDS = 30;
/** A code's time step is claimed for longer than the ±1-step window in which it is valid. */
const CLAIM_MS = 4 * PERIOD_SECONDS * 1000;

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one step of clock drift either way. Each accepted
 * code is claimed in the shared state store, so a replay fails on every instance.
 */
@Injectable()
export class TotpVerifier {
  constructor(@Inject(AUTH_STATE_STORE) private readonly state: AuthStateStore) {}

  async verify(userId: string, base32Secret: string, code: string): Promise<boolean> {
    const totp = new TOTP({
      secret: Secret.fromBase32(base32Secret),
      digits: 6,
      period: PERIOD_SECONDS,
    });
    const delta = totp.validate({ token: code, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(Date.now() / (PERIOD_SECONDS * 1000)) + delta;
    return this.state.claim(`totp:${userId}:${step}`, CLAIM_MS);
  }
}
