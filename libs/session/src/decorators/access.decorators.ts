import { applyDecorators, UseGuards, type Type } from '@nestjs/common';
import {
  FreshLoginMetadata,
  OwnedByMetadata,
  PublicMetadata,
  RolesMetadata,
  SkipCsrfMetadata,
} from '../session.metadata';
import type { OwnershipResolver } from '../guards/ownership-resolver';
import { AuthGuard } from '../guards/auth.guard';
import { RolesGuard } from '../guards/roles.guard';

/** Requires one of these roles (or a role above one of them in the hierarchy). */
export const Roles = (...roles: string[]) => RolesMetadata(roles);

/** Opts a route out of a global AuthGuard. */
export const Public = () => PublicMetadata(true);

/** Exempts a route from the CSRF check (webhooks with their own authentication). */
export const SkipCsrf = () => SkipCsrfMetadata(true);

/** Only the owner (found by the resolver) or a holder of a bypass role may pass OwnershipGuard. */
export const OwnedBy = (
  resolver: Type<OwnershipResolver>,
  options: { bypassRoles?: string[] } = {},
) => OwnedByMetadata({ resolver, bypassRoles: options.bypassRoles });

/** Requires a login at most `maxAge` ms old (default: the module's `freshLoginMaxAge`). */
export const RequireFreshLogin = (maxAge?: number) => FreshLoginMetadata({ maxAge });

/** Requires a signed-in user and, when roles are given, one of them: AuthGuard plus RolesGuard. */
export function Auth(...roles: string[]) {
  if (roles.length === 0) return applyDecorators(UseGuards(AuthGuard));
  return applyDecorators(UseGuards(AuthGuard, RolesGuard), Roles(...roles));
}
