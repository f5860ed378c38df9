/**
 * A session as its top-level fields, each serialized on its own, so that a write can carry only
 * the fields a request changed and merge them onto what other requests stored meanwhile.
 */
export type SessionFields = Map<string, string>;

export interface FieldChanges {
  set: SessionFields;
  removed: string[];
}

/** Top-level fields except `cookie`, which express-session rewrites on every request. */
export function fieldsOf(session: object): SessionFields {
  const fields: SessionFields = new Map();
  for (const key of Object.keys(session)) {
    if (key === 'cookie') continue;
    const json = JSON.stringify((session as Record<string, unknown>)[key]);
    if (json !== undefined) fields.set(key, json);
  }
  return fields;
}

/** The fields that differ, or null when nothing but the cookie changed. */
export function changesBetween(before: SessionFields, after: SessionFields): FieldChanges | null {
  const set: SessionFields = new Map();
  for (const [key, json] of after) {
    if (before.get(key) !== json) set.set(key, json);
  }
  const removed = [...before.keys()].filter((key) => !after.has(key));
  return set.size === 0 && removed.length === 0 ? null : { set, removed };
}

/** Applies the changes and the current cookie to a stored session's JSON text. */
export function applyChanges(
  storedJson: string,
  changes: FieldChanges,
  cookieJson: string,
): string {
  const stored = parseSessionJson(storedJson) ?? {};
  const merged: SessionFields = new Map();
  for (const key of Object.keys(stored)) merged.set(key, JSON.stringify(stored[key]));
  for (const [key, json] of changes.set) merged.set(key, json);
  for (const key of changes.removed) merged.delete(key);
  merged.set('cookie', cookieJson);
  return serializeFields(merged);
}

export function serializeFields(fields: SessionFields): string {
  const parts: string[] = [];
  for (const [key, json] of fields) parts.push(`${JSON.stringify(key)}:${json}`);
  return `{${parts.join(',')}}`;
}

/**
 * Parses stored session JSON; anything that is not an object with a cookie object (corrupt or
 * foreign data) reads as no session rather than an error.
 */
export function parseSessionJson(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    if (!isPlainObject(value) || !isPlainObject(value.cookie)) return null;
    return value;
  } catch {
    return null;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
