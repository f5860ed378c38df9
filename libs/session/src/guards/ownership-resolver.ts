import type { Request } from 'express';

/**
 * Finds who owns the resource a request targets. Implement it as an injectable (it may use
 * repositories) and name it in `@OwnedBy(MyResolver)`; register it as a provider of the module.
 */
export interface OwnershipResolver {
  /** The owner's user id, or null when the resource does not exist. */
  ownerOf(request: Request): Promise<string | null> | string | null;
}
