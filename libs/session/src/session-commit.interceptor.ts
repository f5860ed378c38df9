import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Store } from 'express-session';
import { from, mergeMap, type Observable } from 'rxjs';
import { InjectSessionStore } from './session.constants';
import { sessionOf } from './request-session';
import { MergingStore } from './stores/merging.store';
import { SessionErrors } from './errors';

/** Reads leave their (rare, best-effort) session changes to express-session's own save. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Saves a session a state-changing handler changed before the response goes out, so that a store failure is
 * answered with 503 SESSION_STORE_UNAVAILABLE instead of a success whose change was lost
 * (express-session saves after the status line is written). Registered globally by the module;
 * express-session then finds nothing left to save.
 */
@Injectable()
export class SessionCommitInterceptor implements NestInterceptor {
  constructor(@InjectSessionStore() private readonly store: Store) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !(this.store instanceof MergingStore)) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<Request>();
    if (READ_METHODS.has(request.method)) return next.handle();
    return next.handle().pipe(mergeMap((value) => from(this.commit(request).then(() => value))));
  }

  private async commit(request: Request): Promise<void> {
    const session = sessionOf(request);
    const store = this.store as MergingStore;
    if (!session || !store.hasUnsavedChanges(session)) return;
    if (Object.keys(session).every((key) => key === 'cookie')) return;
    await new Promise<void>((resolve, reject) =>
      session.save((err) => (err ? reject(SessionErrors.storeUnavailable()) : resolve())),
    );
  }
}
