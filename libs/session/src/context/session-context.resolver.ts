import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from '../request-session';
import type { SessionPrincipal } from '../session.types';
import { requestResponseOf, type RequestResponse } from './request-of-context';

/**
 * The one way in for every guard and decorator of the library: where the request (and response)
 * of an execution context is (http, graphql, ws), and who its principal is. Subclass it and pass
 * it as SessionModule's `contextResolver` to change either for every guard at once
 * (AuthGuard, RolesGuard, OwnershipGuard, FreshLoginGuard, CsrfGuard) and for `@SessionUser()`.
 */
@Injectable()
export class SessionContextResolver {
  /** The request and response of an http handler, a GraphQL resolver or a gateway message. */
  getRequestResponse(context: ExecutionContext): RequestResponse {
    return requestResponseOf(context);
  }

  /** The signed-in principal of the request: `session.user` when well-formed. */
  getPrincipal(request: Request, _context?: ExecutionContext): SessionPrincipal | undefined {
    return principalOf(request);
  }
}

/** @internal the resolver of guards built by hand, outside dependency injection. */
export const DEFAULT_CONTEXT_RESOLVER = new SessionContextResolver();

const RESOLVER = Symbol('nest-session-kit.contextResolver');

type RequestWithResolver = Request & { [RESOLVER]?: SessionContextResolver };

/** @internal lets the param decorators, which have no injector, find the module's resolver. */
export function attachContextResolver(req: Request, resolver: SessionContextResolver): void {
  (req as RequestWithResolver)[RESOLVER] = resolver;
}

/**
 * @internal The request and principal for a param decorator, through the resolver the session
 * middleware (or the socket handshake) attached to the request.
 */
export function decoratedRequestOf(context: ExecutionContext): {
  req: Request | undefined;
  principal: () => SessionPrincipal | undefined;
} {
  const found = requestResponseOf(context).req;
  const resolver =
    (found as RequestWithResolver | undefined)?.[RESOLVER] ?? DEFAULT_CONTEXT_RESOLVER;
  const req =
    resolver === DEFAULT_CONTEXT_RESOLVER ? found : resolver.getRequestResponse(context).req;
  return { req, principal: () => (req ? resolver.getPrincipal(req, context) : undefined) };
}
