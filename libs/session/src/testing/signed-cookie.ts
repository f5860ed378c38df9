import { createHmac, timingSafeEqual } from 'node:crypto';

/** @internal express-session's cookie value for a session id: `s:<id>.<HMAC-SHA256>`, URI-encoded. */
export function signSessionId(sessionId: string, secret: string): string {
  return encodeURIComponent(`s:${sessionId}.${signature(sessionId, secret)}`);
}

/** @internal The session id a cookie value carries, if one of the secrets signed it. */
export function unsignSessionId(value: string, secrets: string[]): string | undefined {
  const decoded = safeDecode(value);
  if (!decoded?.startsWith('s:')) return undefined;
  const signed = decoded.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot < 1) return undefined;
  const sessionId = signed.slice(0, dot);
  const presented = Buffer.from(signed.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(signature(sessionId, secret));
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) {
      return sessionId;
    }
  }
  return undefined;
}

function signature(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
