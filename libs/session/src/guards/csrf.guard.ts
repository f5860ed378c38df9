import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SkipCsrfMetadata } from '../session.metadata';
import { sessionOf } from '../request-session';
import { hasLiveSession } from '../security/session-origin';
import { isHeaderSession } from '../security/header-session';
import { csrfTokensMatch } from '../security/csrf';
import { AllowedOrigins } from '../security/allowed-origins';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors } from '../errors';
import { headerOf } from '../http/node-request';
import { SessionAccessGuard } from './session-access.guard';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for POST, PUT, PATCH and DELETE: an `Origin` that is present must be allowed
 * (the app's own origin or `csrf.allowedOrigins`), and a request with a live session must carry
 * the session's synchronizer token in the CSRF header (or, for an HTML form post, in the
 * `csrf.fieldName` field of its urlencoded body). 403 CSRF_INVALID otherwise.
 * On GraphQL, mutations are the state-changing operations. `@SkipCsrf()` exempts a route.
 * SessionModule applies it to every route (`csrf: false` turns it off).
 */
@Injectable()
export class CsrfGuard extends SessionAccessGuard {
  protected readonly allowedOrigins: AllowedOrigins;

  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() protected readonly options: ResolvedSessionOptions,
  ) {
    super();
    this.allowedOrigins = AllowedOrigins.of(options);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.options.csrf.enabled || !this.isStateChanging(context)) return true;
    if (this.isExempt(context)) return true;
    const request = this.getRequestResponse(context).req;
    if (!request) return true;
    const origin = headerOf(request, 'origin');
    if (origin !== undefined && !this.isAllowedOrigin(request, origin)) {
      throw SessionErrors.csrfInvalid('Cross-origin request refused');
    }
    if (!hasLiveSession(request) || isHeaderSession(request)) return true;
    const presented = headerOf(request, this.options.csrf.headerName) ?? this.formToken(request);
    if (csrfTokensMatch(presented, sessionOf(request)?.csrfToken)) return true;
    throw SessionErrors.csrfInvalid();
  }

  protected isExempt(context: ExecutionContext): boolean {
    return this.metadataOf(SkipCsrfMetadata, context) === true;
  }

  /** POST, PUT, PATCH, DELETE over http; a mutation on GraphQL; never a gateway message. */
  protected isStateChanging(context: ExecutionContext): boolean {
    const type = context.getType<'http' | 'graphql' | 'ws'>();
    if (type === 'graphql') {
      const info = context.getArgByIndex(3) as { operation?: { operation?: string } } | undefined;
      return info?.operation?.operation === 'mutation';
    }
    if (type !== 'http') return false;
    return !SAFE_METHODS.has(this.getRequest(context).method);
  }

  /** The token of an HTML form post: the `csrf.fieldName` field of a urlencoded body. */
  protected formToken(request: Request): unknown {
    const type = headerOf(request, 'content-type')?.toLowerCase() ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
    const body = request.body as Record<string, unknown> | undefined;
    return body && typeof body === 'object' ? body[this.options.csrf.fieldName] : undefined;
  }

  protected isAllowedOrigin(request: Request, origin: string): boolean {
    return this.allowedOrigins.allowsOn(request, origin);
  }
}
