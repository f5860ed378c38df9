import { Reflector } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import type { OwnershipResolver } from './guards/ownership-resolver';

/** @internal metadata written by the decorators and read by the guards. */
export const RolesMetadata = Reflector.createDecorator<string[]>();
export const PublicMetadata = Reflector.createDecorator<boolean>();
export const SkipCsrfMetadata = Reflector.createDecorator<boolean>();

export interface OwnedByMetadataValue {
  resolver: Type<OwnershipResolver>;
  /** Roles that may act on resources they do not own; undefined means admin and above. */
  bypassRoles?: string[];
}
export const OwnedByMetadata = Reflector.createDecorator<OwnedByMetadataValue>();

export interface FreshLoginMetadataValue {
  /** undefined means the module's `freshLoginMaxAge`. */
  maxAge?: number;
}
export const FreshLoginMetadata = Reflector.createDecorator<FreshLoginMetadataValue>();
