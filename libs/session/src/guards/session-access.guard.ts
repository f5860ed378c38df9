import { Inject, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ReflectableDecorator, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { endedSessionError } from '../security/session-end';
import type { SessionPrincipal } from '../session.types';
import { SessionErrors } from '../errors';
import {
  DEFAULT_CONTEXT_RESOLVER,
  SessionContextResolver,
} from '../context/session-context.resolver';
import type { RequestResponse } from '../context/request-of-context';

/**
 * The base of every guard of the library: the request and the principal come from the module's
 * SessionContextResolver, so a guard works on controllers, resolvers and gateways alike, and
 * changing the resolver changes them all. Subclasses may still override the hooks one by one.
 */
export abstract class SessionAccessGuard implements CanActivate {
  @Optional()
  @Inject(SessionContextResolver)
  protected readonly contextResolver?: SessionContextResolver;

  protected abstract readonly reflector: Reflector;

  abstract canActivate(context: ExecutionContext): boolean | Promise<boolean>;

  protected getRequestResponse(context: ExecutionContext): RequestResponse {
    return this.resolver().getRequestResponse(context);
  }

  /** The request of the context; a context without one reads as a request without a session. */
  protected getRequest(context: ExecutionContext): Request {
    return this.getRequestResponse(context).req ?? ({} as Request);
  }

  protected getPrincipal(
    request: Request,
    context?: ExecutionContext,
  ): SessionPrincipal | undefined {
    return this.resolver().getPrincipal(request, context);
  }

  /** The principal, or the error to answer: the reason the session just ended, or AUTH_REQUIRED. */
  protected requirePrincipal(request: Request, context: ExecutionContext): SessionPrincipal {
    const principal = this.getPrincipal(request, context);
    if (!principal) throw this.unauthenticated(request);
    return principal;
  }

  protected unauthenticated(request: Request): Error {
    return endedSessionError(request) ?? SessionErrors.authRequired();
  }

  /** Metadata of the handler, else of its class. */
  protected metadataOf<T>(
    decorator: ReflectableDecorator<T>,
    context: ExecutionContext,
  ): T | undefined {
    return this.reflector.getAllAndOverride(decorator, [context.getHandler(), context.getClass()]);
  }

  private resolver(): SessionContextResolver {
    return this.contextResolver ?? DEFAULT_CONTEXT_RESOLVER;
  }
}
