import { createHmac, hkdfSync } from 'node:crypto';
import type { ResolvedSessionOptions } from '../session.options';

/**
 * Starts every hashed stored id. No session id express-session generates has it (they are
 * base64url), and a cookie id that has it is never looked up raw: so a stored id copied from
 * the store and presented as a cookie finds nothing, with or without the raw-id migration.
 */
const HASHED_MARK = 'h:';

/**
 * Where a store keeps a session: under a keyed hash of its id (HMAC-SHA256, base64url), so that
 * a copy of the store's data is not a list of live cookies; or under the id itself (`raw`, for
 * stores shared with connect-redis apps). The first key writes; the others, and the raw id when
 * `migrateRaw` is on, are where an older copy may still be, re-keyed the first time it is read.
 */
export class SessionIdsAtRest {
  private readonly keys: Buffer[];

  constructor(
    keys: readonly (string | Buffer)[] | 'raw',
    private readonly migrateRaw = true,
  ) {
    this.keys = keys === 'raw' ? [] : keys.map(deriveIdKey);
  }

  /** Ids kept as they are: what express-session's own stores and connect-redis do. */
  static readonly RAW = new SessionIdsAtRest('raw', false);

  get hashed(): boolean {
    return this.keys.length > 0;
  }

  /** The key the session with this id is stored under. */
  storedIdOf(sid: string): string {
    return this.keys.length === 0 ? sid : HASHED_MARK + hmacOf(this.keys[0], sid);
  }

  /** Where an older copy of the session may be stored: other keys' hashes, then the raw id. */
  legacyIdsOf(sid: string): string[] {
    if (this.keys.length === 0) return [];
    const ids = this.keys.slice(1).map((key) => HASHED_MARK + hmacOf(key, sid));
    if (this.migrateRaw && !sid.startsWith(HASHED_MARK)) ids.push(sid);
    return ids;
  }
}

/** A key of its own for id hashing, so that the secret itself is never the HMAC key. */
function deriveIdKey(secret: string | Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'nest-session-kit', 'session id at rest', 32));
}

function hmacOf(key: Buffer, sid: string): string {
  return createHmac('sha256', key).update(sid).digest('base64url');
}

/** The ids at rest the options ask for. */
export function idsAtRestOf({
  idsAtRest,
  secret,
}: Pick<ResolvedSessionOptions, 'idsAtRest' | 'secret'>): SessionIdsAtRest {
  if (!idsAtRest.hash) return SessionIdsAtRest.RAW;
  return new SessionIdsAtRest(idsAtRest.key ?? secret, idsAtRest.migrateRaw);
}
