import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { MergingStore, type SwapResult, type WriteExpiry } from '../merging.store';
import { LuaScript, RedisCommands, type RedisClientLike } from './redis-client';

export interface RedisSessionStoreOptions {
  client: RedisClientLike;
  prefix: string;
  ttlSeconds: number;
  /** @default 2000 */
  commandTimeout?: number;
}

/**
 * Replaces the stored value only if its bytes still hash to ARGV[1]; 'keep' leaves the expiry
 * as it is (a change made outside a request), anything else is the new expiry in ms.
 */
const COMPARE_AND_SWAP = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if redis.sha1hex(current) ~= ARGV[1] then return current end
if ARGV[3] == 'keep' then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`);

/** How many keys bulk maintenance reads or deletes at once. */
const BULK_BATCH = 100;
/** How much shorter than allowed a read may leave a TTL before it is corrected, in ms. */
const TTL_TOLERANCE_MS = 1000;
/** Values that are not valid UTF-8 whose bytes are remembered for the compare-and-swap. */
const MAX_REMEMBERED_BYTES = 1000;

/**
 * Sessions in Redis, one JSON string per session under `prefix + stored id` (a keyed hash of the
 * id by default; the raw id, connect-redis' own format, with `idsAtRest: { hash: false }`, so
 * that either store reads the other's sessions). A read is one GETEX that also slides the expiry
 * (to the TTL the last reads needed; a session whose cookie asks for another TTL gets a PEXPIRE
 * after it, so none outlives its cookie); a write sends only the changed fields through a
 * compare-and-swap script that compares the stored bytes exactly and refuses to re-create a
 * destroyed session. Bulk maintenance (all, length, ids, clear) walks every master of a cluster.
 */
export class RedisSessionStore extends MergingStore {
  readonly commands: RedisCommands;
  /** The TTL reads set with their GETEX: the one the latest read needed. */
  private readTtlMs: number;
  /** Text -> the exact bytes, for stored values that do not decode as UTF-8. */
  private readonly rawBytes = new Map<string, Buffer>();

  constructor(private readonly options: RedisSessionStoreOptions) {
    super(options.ttlSeconds * 1000);
    this.commands = new RedisCommands(options.client, options.commandTimeout);
    this.readTtlMs = this.storeTtlMs;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /**
   * Where the library keeps what is not a session (the per-user index, analytics): outside
   * `prefix*`, so that scans of the sessions (all, length, ids, clear) see sessions only.
   */
  get metaPrefix(): string {
    return `nsk:${this.options.prefix}`;
  }

  keyOf(sid: string): string {
    return this.options.prefix + sid;
  }

  protected async readRaw(sid: string, expiryOf: (raw: string) => number): Promise<string | null> {
    const key = this.keyOf(sid);
    const guess = this.readTtlMs;
    const reply = await this.commands.sendForBytes(key, ['GETEX', key, 'PX', String(guess)]);
    if (reply === null) return null;
    const raw = this.textOf(reply);
    const ttlMs = expiryOf(raw);
    if (ttlMs <= 0) {
      await this.commands.send(key, ['DEL', key]);
      return null;
    }
    if (ttlMs < guess || ttlMs - guess > TTL_TOLERANCE_MS) {
      this.readTtlMs = Math.max(1, ttlMs - TTL_TOLERANCE_MS / 2);
      await this.commands.send(key, ['PEXPIRE', key, String(ttlMs)]);
    }
    return raw;
  }

  protected async writeRaw(sid: string, raw: string, ttlMs = this.storeTtlMs): Promise<void> {
    const key = this.keyOf(sid);
    await this.commands.send(key, ['SET', key, raw, 'PX', String(ttlMs)]);
  }

  protected override async writeRawIfAbsent(
    id: string,
    raw: string,
    ttlMs = this.storeTtlMs,
  ): Promise<boolean> {
    const key = this.keyOf(id);
    const reply = await this.commands.send<string | null>(key, [
      'SET',
      key,
      raw,
      'NX',
      'PX',
      String(ttlMs),
    ]);
    return reply !== null;
  }

  protected async compareAndSwap(
    sid: string,
    expected: string,
    next: string,
    expiry: WriteExpiry = this.storeTtlMs,
  ): Promise<SwapResult> {
    const result = await this.commands.runForBytes(
      COMPARE_AND_SWAP,
      [this.keyOf(sid)],
      [sha1(this.bytesOf(expected)), next, String(expiry)],
    );
    if (result === 1) return true;
    if (result === 0) return null;
    return this.textOf(result as Buffer);
  }

  protected async peekRaw(sid: string): Promise<string | null> {
    const key = this.keyOf(sid);
    const reply = await this.commands.sendForBytes(key, ['GET', key]);
    return reply === null ? null : this.textOf(reply);
  }

  protected async deleteRaw(sid: string): Promise<void> {
    const key = this.keyOf(sid);
    await this.commands.send(key, ['DEL', key]);
  }

  protected async expireRaw(sid: string, ttlMs: number): Promise<void> {
    const key = this.keyOf(sid);
    await this.commands.send(key, ['PEXPIRE', key, String(ttlMs)]);
  }

  protected async listRaw(): Promise<[string, string | null][]> {
    const keys = await this.commands.scanKeys(`${globEscape(this.prefix)}*`);
    const found: [string, string | null][] = [];
    for (let at = 0; at < keys.length; at += BULK_BATCH) {
      const batch = keys.slice(at, at + BULK_BATCH);
      const values = await Promise.all(batch.map((key) => this.readForListing(key)));
      batch.forEach((key, i) => {
        const value = values[i];
        if (value !== undefined) found.push([key.slice(this.prefix.length), value]);
      });
    }
    return found;
  }

  protected async clearRaw(): Promise<number> {
    const keys = await this.commands.scanKeys(`${globEscape(this.prefix)}*`);
    for (let at = 0; at < keys.length; at += BULK_BATCH) {
      await Promise.all(
        keys.slice(at, at + BULK_BATCH).map((key) => this.commands.send(key, ['UNLINK', key])),
      );
    }
    return keys.length;
  }

  /** A key's value for a listing: its text, null when it is not a string, undefined once gone. */
  private async readForListing(key: string): Promise<string | null | undefined> {
    try {
      const reply = await this.commands.sendForBytes(key, ['GET', key]);
      return reply === null ? undefined : this.textOf(reply);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('WRONGTYPE')) return null;
      throw err;
    }
  }

  private textOf(bytes: Buffer): string {
    const text = bytes.toString('utf8');
    if (!isUtf8(bytes)) this.remember(text, bytes);
    return text;
  }

  private bytesOf(text: string): Buffer {
    return this.rawBytes.get(text) ?? Buffer.from(text, 'utf8');
  }

  private remember(text: string, bytes: Buffer): void {
    this.rawBytes.delete(text);
    this.rawBytes.set(text, bytes);
    if (this.rawBytes.size > MAX_REMEMBERED_BYTES) {
      this.rawBytes.delete(this.rawBytes.keys().next().value as string);
    }
  }
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The prefix as a literal in a SCAN MATCH pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
