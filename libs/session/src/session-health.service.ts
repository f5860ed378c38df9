import { Inject, Injectable } from '@nestjs/common';
import { SESSION_BACKEND, type SessionBackend, type SessionStoreHealth } from './backends/backend';

/**
 * Tells whether the session backend answers: a PING of every Redis master, a read of a custom
 * store; the memory store is always up.
 */
@Injectable()
export class SessionHealthService {
  constructor(@Inject(SESSION_BACKEND) private readonly backend: SessionBackend) {}

  check(timeoutMs = 1000): Promise<SessionStoreHealth> {
    return this.backend.health(timeoutMs);
  }
}
