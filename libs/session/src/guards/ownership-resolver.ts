import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Finds who owns the resource a request targets. Implement it as an injectable (it may use
 * repositories) and name it in `@OwnedBy(MyResolver)`; register it as a provider of the module.
 * On a GraphQL resolver or a gateway the context gives the arguments
 * (`context.getArgByIndex(1)` is a resolver's args, a message's data).
 */
export interface OwnershipResolver {
  /** The owner's user id, or null when the resource does not exist. */
  ownerOf(request: Request, context: ExecutionContext): Promise<string | null> | string | null;
}
