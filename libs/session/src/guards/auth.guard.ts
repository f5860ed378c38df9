import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PublicMetadata } from '../session.metadata';
import { principalOf } from '../request-session';
import { endedSessionError } from '../security/session-end';
import type { SessionPrincipal } from '../session.types';
import { SessionErrors } from '../errors';

/**
 * Lets a request through only with a signed-in principal: 401 AUTH_REQUIRED otherwise (or the
 * reason the session just ended: SESSION_TIMEOUT, SESSION_EXPIRED, ...). Works per route and as a
 * global APP_GUARD, where `@Public()` opts a route out.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(protected readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (this.getPrincipal(request)) return true;
    throw this.unauthenticated(request);
  }

  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride(PublicMetadata, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected getPrincipal(request: Request): SessionPrincipal | undefined {
    return principalOf(request);
  }

  protected unauthenticated(request: Request): Error {
    return endedSessionError(request) ?? SessionErrors.authRequired();
  }
}
