import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { OwnedByMetadata, type OwnedByMetadataValue } from '../session.metadata';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionPrincipal } from '../session.types';
import { SessionErrors } from '../errors';
import { RoleHierarchy } from './role-hierarchy';
import type { OwnershipResolver } from './ownership-resolver';
import { SessionAccessGuard } from './session-access.guard';

const DEFAULT_BYPASS_ROLE = 'admin';

/**
 * With `@OwnedBy(Resolver)`: the resolver (an injectable from DI) names the resource's owner; no
 * resource -> 404 RESOURCE_NOT_FOUND, another owner -> 403 ACCESS_DENIED unless the user holds a
 * bypass role (default: admin and above).
 */
@Injectable()
export class OwnershipGuard extends SessionAccessGuard {
  protected readonly hierarchy: RoleHierarchy;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly moduleRef: ModuleRef,
    @InjectSessionOptions() options: ResolvedSessionOptions,
  ) {
    super();
    this.hierarchy = new RoleHierarchy(options.roleHierarchy);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.metadataOf(OwnedByMetadata, context);
    if (!meta) return true;
    const request = this.getRequest(context);
    const principal = this.requirePrincipal(request, context);
    const owner = await this.resolverFor(meta).ownerOf(request, context);
    if (owner === null || owner === undefined) throw SessionErrors.resourceNotFound();
    if (owner === principal.id || this.canBypass(principal, meta)) return true;
    throw SessionErrors.accessDenied();
  }

  protected resolverFor(meta: OwnedByMetadataValue): OwnershipResolver {
    return this.moduleRef.get(meta.resolver, { strict: false });
  }

  protected canBypass(principal: SessionPrincipal, meta: OwnedByMetadataValue): boolean {
    const bypass = meta.bypassRoles ?? [DEFAULT_BYPASS_ROLE];
    return bypass.length > 0 && this.hierarchy.satisfiesAny(principal.roles, bypass);
  }
}
