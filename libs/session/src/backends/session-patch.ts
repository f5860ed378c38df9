/**
 * What a request changed in a session, as a patch that can be applied onto whatever is stored
 * by then: plain objects merge key by key at every depth, anything else (strings, numbers,
 * arrays) is replaced whole. Two requests changing different keys (two products in a cart kept
 * as an object) both keep their change; the same key changed by both: the last writer wins.
 */
export type SessionPatch =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'merge'; entries: Map<string, SessionPatch> };

type JsonObject = Record<string, unknown>;

/** The patch from `before` to `after` (both JSON values), or undefined when they are equal. */
export function diffJson(before: unknown, after: unknown): SessionPatch | undefined {
  if (isPlainObject(before) && isPlainObject(after)) {
    const entries = new Map<string, SessionPatch>();
    for (const key of Object.keys(after)) {
      const change = Object.hasOwn(before, key)
        ? diffJson(before[key], after[key])
        : added(after[key]);
      if (change) entries.set(key, change);
    }
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) entries.set(key, { kind: 'delete' });
    }
    return entries.size > 0 ? { kind: 'merge', entries } : undefined;
  }
  return jsonEqual(before, after) ? undefined : { kind: 'replace', value: after };
}

/**
 * Whether two JSON values are equal, whatever the order of their objects' keys (a store such as
 * PostgreSQL's jsonb gives them back in an order of its own).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
  );
}

/**
 * A key the request added: an object is added as a merge from nothing, so that two requests
 * adding the same new object with different keys inside (the first two cart lines) both count.
 */
function added(value: unknown): SessionPatch {
  if (!isPlainObject(value)) return { kind: 'replace', value };
  return diffJson({}, value) ?? { kind: 'merge', entries: new Map() };
}

/** Applies a patch onto a JSON value and returns the result (the input is changed in place). */
export function applyPatch(target: unknown, patch: SessionPatch): unknown {
  if (patch.kind === 'replace') return patch.value;
  if (patch.kind === 'delete') return undefined;
  const object: JsonObject = isPlainObject(target) ? target : {};
  for (const [key, change] of patch.entries) {
    const current = Object.hasOwn(object, key) ? object[key] : undefined;
    const value = applyPatch(current, change);
    if (change.kind === 'delete') delete object[key];
    else setOwn(object, key, value);
  }
  return object;
}

/** A session's data as plain JSON, without the cookie that express-session rewrites each request. */
export function sessionDataOf(session: object): JsonObject {
  const { cookie: _cookie, ...data } = JSON.parse(JSON.stringify(session)) as JsonObject;
  return data;
}

/**
 * Parses stored session JSON; anything that is not an object with a cookie object whose expiry
 * and max age express-session can use (corrupt or foreign data) reads as no session rather than
 * an error.
 */
export function parseSessionJson(json: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(json);
    if (!isPlainObject(value) || !isUsableCookie(value.cookie)) return null;
    return value;
  } catch {
    return null;
  }
}

/** A cookie express-session can rebuild and send: a valid expiry (or none), a numeric max age (or none). */
function isUsableCookie(cookie: unknown): cookie is JsonObject {
  if (!isPlainObject(cookie)) return false;
  const { expires, originalMaxAge } = cookie;
  const expiresOk =
    expires === undefined ||
    expires === null ||
    (typeof expires === 'string' && !Number.isNaN(Date.parse(expires)));
  const maxAgeOk =
    originalMaxAge === undefined ||
    originalMaxAge === null ||
    (typeof originalMaxAge === 'number' && Number.isFinite(originalMaxAge));
  return expiresOk && maxAgeOk;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, even one named `__proto__`, without touching the prototype. */
function setOwn(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
