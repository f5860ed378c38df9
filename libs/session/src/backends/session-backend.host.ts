import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SESSION_BACKEND, type SessionBackend } from './backend';

/** @internal closes what the backend created (clients, timers) when the app shuts down. */
@Injectable()
export class SessionBackendHost implements OnApplicationShutdown {
  constructor(@Inject(SESSION_BACKEND) private readonly backend: SessionBackend) {}

  onApplicationShutdown(): Promise<void> {
    return this.backend.close();
  }
}
