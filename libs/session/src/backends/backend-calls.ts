import { Inject, Injectable, Logger } from '@nestjs/common';
import { SessionErrors } from '../errors';
import { SESSION_BACKEND, type SessionBackend } from './backend';
import { OutageLog } from './outage-log';
import { withTimeout } from './with-timeout';

/**
 * @internal Every call the library's services make to the backend (store access, registry,
 * analytics) goes through here: bounded by the backend's command timeout, and a failure becomes
 * 503 SESSION_STORE_UNAVAILABLE with one log line per interval, never a 500.
 */
@Injectable()
export class SessionBackendCalls {
  private readonly outages = new OutageLog(new Logger('SessionModule'));

  constructor(@Inject(SESSION_BACKEND) private readonly backend: SessionBackend) {}

  async run<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.bounded(action, call);
    } catch (err) {
      this.report(action, err);
      throw SessionErrors.storeUnavailable();
    }
  }

  /** The call bounded by the command timeout, its failure as the backend's store error. */
  async bounded<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(call(), this.backend.commandTimeoutMs, `Session ${action}`);
    } catch (err) {
      throw this.backend.toStoreError(err, action);
    }
  }

  /** Logs a failure, at most one line per interval. */
  report(action: string, err: unknown): void {
    this.outages.report(`Session ${this.backend.kind} backend, ${action}`, err);
  }
}
