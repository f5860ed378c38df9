import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { principalOf, sessionOf } from '../request-session';

function requestOf(ctx: ExecutionContext): Request {
  return ctx.switchToHttp().getRequest<Request>();
}

/**
 * The typed session (`@Session() session: AppSession`), or one key of it
 * (`@Session('cart') cart?: Cart`). This is the typed replacement for `@nestjs/common`'s untyped
 * `Session`: import it from 'nest-session-kit'.
 */
export const Session = createParamDecorator<keyof SessionData | string | undefined>((key, ctx) => {
  const session = sessionOf(requestOf(ctx));
  if (!key) return session;
  return (session as Record<string, unknown> | undefined)?.[key];
});

/** The signed-in principal (`session.user`), or undefined. */
export const SessionUser = createParamDecorator<undefined>((_data, ctx) =>
  principalOf(requestOf(ctx)),
);

/** The id of the request's session, or undefined when it has none. */
export const SessionId = createParamDecorator<undefined>((_data, ctx) => {
  const req = requestOf(ctx);
  return sessionOf(req) ? req.sessionID : undefined;
});
