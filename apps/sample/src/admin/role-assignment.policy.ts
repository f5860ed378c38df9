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
 * manage (change, list the sessions of, revoke) users whose roles it holds itself (or below).
 */
@Injectable()
export class RoleAssignmentPolicy {
  private readonly hierarchy: RoleHierarchy;

  constructor(@InjectSessionOptions() options: ResolvedSessionOptions) {
    this.hierarchy = new RoleHierarchy(options.roleHierarchy);
  }

  assertMayAssign(actor: SessionPrincipal, target: PublicUser, roles: string[]): void {
    this.assertHolds(actor, [...roles, ...target.roles]);
  }

  /** 403 INSUFFICIENT_PERMISSIONS when the target is ranked above the actor. */
  assertMayManage(actor: SessionPrincipal, target: PublicUser): void {
    this.assertHolds(actor, target.roles);
  }

  private assertHolds(actor: SessionPrincipal, roles: string[]): void {
    const beyondActor = roles.filter((role) => !this.hierarchy.satisfiesAny(actor.roles, [role]));
    if (beyondActor.length > 0) {
      throw SessionErrors.insufficientPermissions(beyondActor, actor.roles);
    }
  }
}
