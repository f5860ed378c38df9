import type { SessionData } from 'express-session';
import { createHash } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import { MergingStore, type SwapResult } from '../merging.store';
import { LuaScript, RedisCommands, type RedisClientLike } from './redis-client';

export interface RedisSessionStoreOptions {
  client: RedisClientLike;
  prefix: string;
  ttlSeconds: number;
  /** @default 2000 */
  commandTimeout?: number;
}

type Callback = (err?: unknown) => void;
type AllCallback = (
  err: unknown,
  sessions?: SessionData[] | Record<string, SessionData> | null,
) => void;
type LengthCallback = (err: unknown, length?: number) => void;
type IdsCallback = (err: unknown, ids?: string[]) => void;

const COMPARE_AND_SWAP = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if redis.sha1hex(current) ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`);

/**
 * Sessions in Redis, one JSON string per session under `prefix + sid` (connect-redis' own format,
 * so either store reads the other's sessions). A read is one GETEX that also slides the expiry; a
 * write sends only the changed fields through a compare-and-swap script that refuses to
 * re-create a destroyed session. Bulk maintenance (all, length, ids, clear) is connect-redis',
 * which walks every master of a cluster.
 */
export class RedisSessionStore extends MergingStore {
  readonly commands: RedisCommands;
  private readonly maintenance: RedisStore;
  private readonly ttl: string;

  constructor(private readonly options: RedisSessionStoreOptions) {
    super();
    this.commands = new RedisCommands(options.client, options.commandTimeout);
    this.ttl = String(options.ttlSeconds);
    this.maintenance = new RedisStore({
      client: options.client,
      prefix: options.prefix,
      ttl: options.ttlSeconds,
    });
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /**
   * Where the library keeps what is not a session (the per-user index, analytics): outside
   * `prefix*`, so that connect-redis' scans (all, length, ids, clear) see sessions only.
   */
  get metaPrefix(): string {
    return `nsk:${this.options.prefix}`;
  }

  keyOf(sid: string): string {
    return this.options.prefix + sid;
  }

  protected readRaw(sid: string): Promise<string | null> {
    const key = this.keyOf(sid);
    return this.commands.send<string | null>(key, ['GETEX', key, 'EX', this.ttl]);
  }

  protected async writeRaw(sid: string, raw: string): Promise<void> {
    const key = this.keyOf(sid);
    await this.commands.send(key, ['SET', key, raw, 'EX', this.ttl]);
  }

  protected async compareAndSwap(sid: string, expected: string, next: string): Promise<SwapResult> {
    const result = await this.commands.run<number | string>(
      COMPARE_AND_SWAP,
      [this.keyOf(sid)],
      [sha1(expected), next, this.ttl],
    );
    if (result === 1) return true;
    if (result === 0) return null;
    return String(result);
  }

  protected peekRaw(sid: string): Promise<string | null> {
    const key = this.keyOf(sid);
    return this.commands.send<string | null>(key, ['GET', key]);
  }

  protected async deleteRaw(sid: string): Promise<void> {
    const key = this.keyOf(sid);
    await this.commands.send(key, ['DEL', key]);
  }

  override all(callback: AllCallback): void {
    void this.maintenance.all(callback);
  }

  override length(callback: LengthCallback): void {
    void this.maintenance.length(callback);
  }

  override clear(callback?: Callback): void {
    void this.maintenance.clear(callback);
  }

  ids(callback: IdsCallback): void {
    void this.maintenance.ids(callback);
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
