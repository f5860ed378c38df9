import { createParamDecorator } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { sessionOf } from '../request-session';
import { decoratedRequestOf } from '../context/session-context.resolver';

/**
 * The typed session (`@Session() session: AppSession`), or one key of it
 * (`@Session('cart') cart?: Cart`), on controllers, resolvers and gateways. This is the typed
 * replacement for `@nestjs/common`'s untyped `Session`: import it from the nest-session-kit package.
 */
export const Session = createParamDecorator<keyof SessionData | string | undefined>((key, ctx) => {
  const { req } = decoratedRequestOf(ctx);
  const session = req ? sessionOf(req) : undefined;
  if (!key) return session;
  return (session as Record<string, unknown> | undefined)?.[key];
});

/** The signed-in principal (`session.user`, or the module's `contextResolver`), or undefined. */
export const SessionUser = createParamDecorator<undefined>((_data, ctx) =>
  decoratedRequestOf(ctx).principal(),
);

/** The id of the request's session, or undefined when it has none. */
export const SessionId = createParamDecorator<undefined>((_data, ctx) => {
  const { req } = decoratedRequestOf(ctx);
  return req && sessionOf(req) ? req.sessionID : undefined;
});
