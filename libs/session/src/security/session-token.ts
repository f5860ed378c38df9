import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * @internal A session id signed as express-session signs its cookie (`<id>.<HMAC-SHA256>`), so a
 * header token and a cookie carry the same proof and express-session verifies either.
 */
export function signSessionId(sid: string, secret: string): string {
  return `${sid}.${signature(sid, secret)}`;
}

/** @internal the session id of a signed token, when one of the secrets signed it. */
export function unsignSessionId(token: string, secrets: string[]): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const sid = token.slice(0, dot);
  const presented = Buffer.from(token.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(signature(sid, secret));
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) return sid;
  }
  return undefined;
}

function signature(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
}
