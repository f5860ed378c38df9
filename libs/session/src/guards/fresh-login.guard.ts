import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { FreshLoginMetadata } from '../session.metadata';
import { principalOf, sessionOf } from '../request-session';
import { endedSessionError } from '../security/session-end';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors } from '../errors';

/** With `@RequireFreshLogin(ms?)`: 401 REAUTH_REQUIRED when the login is older than allowed. */
@Injectable()
export class FreshLoginGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() protected readonly options: ResolvedSessionOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const meta = this.reflector.getAllAndOverride(FreshLoginMetadata, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!meta) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!principalOf(request)) throw endedSessionError(request) ?? SessionErrors.authRequired();
    const authenticatedAt = sessionOf(request)?.auth?.authenticatedAt ?? 0;
    if (this.now() - authenticatedAt <= (meta.maxAge ?? this.options.freshLoginMaxAge)) return true;
    throw SessionErrors.reauthRequired();
  }

  protected now(): number {
    return Date.now();
  }
}
