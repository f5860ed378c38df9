import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SkipCsrfMetadata } from '../session.metadata';
import { sessionOf } from '../request-session';
import { hasLiveSession } from '../security/session-origin';
import { csrfTokensMatch } from '../security/csrf';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors } from '../errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for POST, PUT, PATCH and DELETE: an `Origin` that is present must be allowed
 * (the app's own origin or `csrf.allowedOrigins`), and a request with a live session must carry
 * the session's synchronizer token in the CSRF header. 403 CSRF_INVALID otherwise.
 * `@SkipCsrf()` exempts a route. Register it globally (APP_GUARD) or per controller.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  protected readonly allowedOrigins: Set<string>;

  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() protected readonly options: ResolvedSessionOptions,
  ) {
    this.allowedOrigins = new Set(options.csrf.allowedOrigins.map(normalizeOrigin));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.options.csrf.enabled || SAFE_METHODS.has(request.method)) return true;
    if (this.isExempt(context)) return true;
    const origin = request.get('origin');
    if (origin !== undefined && !this.isAllowedOrigin(request, origin)) {
      throw SessionErrors.csrfInvalid('Cross-origin request refused');
    }
    if (!hasLiveSession(request)) return true;
    const presented = request.get(this.options.csrf.headerName);
    if (csrfTokensMatch(presented, sessionOf(request)?.csrfToken)) return true;
    throw SessionErrors.csrfInvalid();
  }

  protected isExempt(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride(SkipCsrfMetadata, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected isAllowedOrigin(request: Request, origin: string): boolean {
    const normalized = normalizeOrigin(origin);
    if (this.allowedOrigins.has(normalized)) return true;
    const host = request.get('host');
    return host !== undefined && normalized === normalizeOrigin(`${request.protocol}://${host}`);
  }
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.trim().toLowerCase();
  }
}
