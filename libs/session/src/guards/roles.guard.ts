import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RolesMetadata } from '../session.metadata';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionPrincipal } from '../session.types';
import { SessionErrors } from '../errors';
import { RoleHierarchy } from './role-hierarchy';
import { SessionAccessGuard } from './session-access.guard';

/**
 * Requires one of the `@Roles(...)` of the handler or its class, through the module's role
 * hierarchy: 401 when anonymous, 403 INSUFFICIENT_PERMISSIONS with `requiredRoles` and `userRoles`.
 */
@Injectable()
export class RolesGuard extends SessionAccessGuard {
  protected readonly hierarchy: RoleHierarchy;

  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() options: ResolvedSessionOptions,
  ) {
    super();
    this.hierarchy = new RoleHierarchy(options.roleHierarchy);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRoles(context);
    if (!required || required.length === 0) return true;
    const principal = this.requirePrincipal(this.getRequest(context), context);
    if (this.isAllowed(principal, required)) return true;
    throw SessionErrors.insufficientPermissions(required, principal.roles);
  }

  protected requiredRoles(context: ExecutionContext): string[] | undefined {
    return this.metadataOf(RolesMetadata, context);
  }

  protected isAllowed(principal: SessionPrincipal, required: string[]): boolean {
    return this.hierarchy.satisfiesAny(principal.roles, required);
  }
}
