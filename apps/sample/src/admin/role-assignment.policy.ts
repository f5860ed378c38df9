import { Injectable } from '@nestjs/common';
import {
  InjectSessionOptions,
  RoleHierarchy,
  SessionErrors,
  type ResolvedSessionOptions,
  type SessionPrincipal,
} from 'nest-session-kit';
import type { PublicUser } from '../users/users.repository';

/**
 * No privilege escalation: an admin may only grant roles it holds itself (or below), and only
 * change users whose roles it holds itself (or below).
 */
@Injectable()
export class RoleAssignmentPolicy {
  private readonly hierarchy: RoleHierarchy;

  constructor(@InjectSessionOptions() options: ResolvedSessionOptions) {
    this.hierarchy = new RoleHierarchy(options.roleHierarchy);
  }

  assertMayAssign(actor: SessionPrincipal, target: PublicUser, roles: string[]): void {
    const beyondActor = [...roles, ...target.roles].filter(
      (role) => !this.hierarchy.satisfiesAny(actor.roles, [role]),
    );
    if (beyondActor.length > 0) {
      throw SessionErrors.insufficientPermissions(beyondActor, actor.roles);
    }
  }
}
