import { SessionErrors } from '../errors';
import { sessionOf } from '../request-session';
import type { AppSession } from '../session.types';
import { jsonEqual } from '../backends/session-patch';
import type { SessionRequest } from '../http/node-request';

/** Names that would reach an object's prototype if used as a key. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KEY_PATTERN = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** @internal the request's session, or 503 when the route runs without one. */
export function requireSession(req: SessionRequest): AppSession {
  const session = sessionOf(req);
  if (!session) throw SessionErrors.storeUnavailable();
  return session;
}

/**
 * @internal Refuses a key that is not a short identifier (letters, digits, `_ - .`, up to 64) or
 * that names an object's prototype. Keys come from code or from validated input, so a bad one is
 * a programming error.
 */
export function assertSafeKey(kind: string, key: string): void {
  if (!KEY_PATTERN.test(key) || RESERVED_KEYS.has(key)) {
    throw new TypeError(`Invalid ${kind} "${key}": use up to 64 letters, digits, "_", "-" or "."`);
  }
}

/** @internal the size of a value as stored (UTF-8 JSON), in bytes. */
export function jsonByteSize(value: unknown): number {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('Session data must be JSON-serialisable');
  return Buffer.byteLength(json, 'utf8');
}

/** @internal 413 SESSION_DATA_TOO_LARGE when the value takes more than `maxBytes` as JSON. */
export function assertFits(what: string, value: unknown, maxBytes: number): void {
  if (jsonByteSize(value) > maxBytes) throw SessionErrors.dataTooLarge(what, `${maxBytes} bytes`);
}

/** @internal whether two JSON values are equal, whatever the order of their keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return jsonEqual(a, b);
}
