import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RolesMetadata } from '../session.metadata';
import { principalOf } from '../request-session';
import { endedSessionError } from '../security/session-end';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionPrincipal } from '../session.types';
import { SessionErrors } from '../errors';
import { RoleHierarchy } from './role-hierarchy';

/**
 * Requires one of the `@Roles(...)` of the handler or its class, through the module's role
 * hierarchy: 401 when anonymous, 403 INSUFFICIENT_PERMISSIONS with `requiredRoles` and `userRoles`.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  protected readonly hierarchy: RoleHierarchy;

  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() options: ResolvedSessionOptions,
  ) {
    this.hierarchy = new RoleHierarchy(options.roleHierarchy);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRoles(context);
    if (!required || required.length === 0) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (!principal) throw endedSessionError(request) ?? SessionErrors.authRequired();
    if (this.isAllowed(principal, required)) return true;
    throw SessionErrors.insufficientPermissions(required, principal.roles);
  }

  protected requiredRoles(context: ExecutionContext): string[] | undefined {
    return this.reflector.getAllAndOverride(RolesMetadata, [
      context.getHandler(),
      context.getClass(),
    ]);
  }

  protected isAllowed(principal: SessionPrincipal, required: string[]): boolean {
    return this.hierarchy.satisfiesAny(principal.roles, required);
  }
}
