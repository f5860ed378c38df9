import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { tap, type Observable } from 'rxjs';
import { SessionHistory } from 'nest-session-kit';

/** GET routes that are not pages a visitor navigates to. */
const NOT_PAGES = new Set(['/history', '/auth/csrf', '/health', '/docs']);
export const HISTORY_SIZE = 10;

/**
 * Records each page (a successful GET, by path without the query string) in the session's
 * navigation history. Visiting the newest page again changes nothing, so it costs no write. A
 * visitor without a session gets one at their first page, as with a cart.
 */
@Injectable()
export class PageHistoryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.isPage(request)) return next.handle();
    return next.handle().pipe(tap(() => this.record(request)));
  }

  private isPage(request: Request): boolean {
    return (
      request.method === 'GET' &&
      request.session !== undefined &&
      !NOT_PAGES.has(pageOf(request.path))
    );
  }

  private record(request: Request): void {
    const history = SessionHistory.of(request, { maxPages: HISTORY_SIZE });
    const page = pageOf(request.path);
    if (page.length <= history.maxPathLength) history.record(page);
  }
}

/** The page a path shows: `/cart/` is `/cart`. */
function pageOf(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}
