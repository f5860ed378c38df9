import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FreshLoginMetadata } from '../session.metadata';
import { sessionOf } from '../request-session';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionErrors } from '../errors';
import { SessionAccessGuard } from './session-access.guard';

/** With `@RequireFreshLogin(ms?)`: 401 REAUTH_REQUIRED when the login is older than allowed. */
@Injectable()
export class FreshLoginGuard extends SessionAccessGuard {
  constructor(
    protected readonly reflector: Reflector,
    @InjectSessionOptions() protected readonly options: ResolvedSessionOptions,
  ) {
    super();
  }

  canActivate(context: ExecutionContext): boolean {
    const meta = this.metadataOf(FreshLoginMetadata, context);
    if (!meta) return true;
    const request = this.getRequest(context);
    this.requirePrincipal(request, context);
    const authenticatedAt = sessionOf(request)?.auth?.authenticatedAt ?? 0;
    if (this.now() - authenticatedAt <= (meta.maxAge ?? this.options.freshLoginMaxAge)) return true;
    throw SessionErrors.reauthRequired();
  }

  protected now(): number {
    return Date.now();
  }
}
