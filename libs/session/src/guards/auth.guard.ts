import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PublicMetadata } from '../session.metadata';
import { SessionAccessGuard } from './session-access.guard';

/**
 * Lets a request through only with a signed-in principal: 401 AUTH_REQUIRED otherwise (or the
 * reason the session just ended: SESSION_TIMEOUT, SESSION_EXPIRED, ...). Works per route and as a
 * global APP_GUARD, where `@Public()` opts a route out; on controllers, resolvers and gateways.
 */
@Injectable()
export class AuthGuard extends SessionAccessGuard {
  constructor(protected readonly reflector: Reflector) {
    super();
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic(context)) return true;
    this.requirePrincipal(this.getRequest(context), context);
    return true;
  }

  protected isPublic(context: ExecutionContext): boolean {
    return this.metadataOf(PublicMetadata, context) === true;
  }
}
