import type { SessionData } from 'express-session';
import { createHash } from 'node:crypto';
import type { RedisStore } from 'connect-redis';
import { loadOptionalDependency } from '../../optional-dependency';
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
 * Sessions in Redis, one JSON string per session under `prefix + stored id` (a keyed hash of the
 * id by default; the raw id, connect-redis' own format, with `idsAtRest: { hash: false }`, so
 * that either store reads the other's sessions). A read is one GETEX that also slides the expiry; a
 * write sends only the changed fields through a compare-and-swap script that refuses to
 * re-create a destroyed session. Bulk maintenance (all, length, ids, clear) is connect-redis',
 * which walks every master of a cluster.
 */
export class RedisSessionStore extends MergingStore {
  readonly commands: RedisCommands;
  private maintenance?: Promise<RedisStore>;
  private readonly ttl: string;

  constructor(private readonly options: RedisSessionStoreOptions) {
    super();
    this.commands = new RedisCommands(options.client, options.commandTimeout);
    this.ttl = String(options.ttlSeconds);
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

  protected override async writeRawIfAbsent(id: string, raw: string): Promise<boolean> {
    const key = this.keyOf(id);
    const reply = await this.commands.send<string | null>(key, [
      'SET',
      key,
      raw,
      'NX',
      'EX',
      this.ttl,
    ]);
    return reply !== null;
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
    this.withMaintenance(callback, (store) => store.all(callback));
  }

  override length(callback: LengthCallback): void {
    this.withMaintenance(callback, (store) => store.length(callback));
  }

  override clear(callback?: Callback): void {
    this.withMaintenance(callback, (store) => store.clear(callback));
  }

  ids(callback: IdsCallback): void {
    this.withMaintenance(callback, (store) => store.ids(callback));
  }

  /** connect-redis does the bulk maintenance; it is loaded the first time one is asked for. */
  private withMaintenance(
    callback: ((err: unknown) => void) | undefined,
    run: (store: RedisStore) => unknown,
  ): void {
    this.maintenance ??= loadOptionalDependency<typeof import('connect-redis')>(
      'connect-redis',
      'the Redis store',
    ).then(
      ({ RedisStore: ConnectRedisStore }) =>
        new ConnectRedisStore({
          client: this.options.client,
          prefix: this.options.prefix,
          ttl: this.options.ttlSeconds,
        }),
    );
    this.maintenance.then(run, (err: unknown) => setImmediate(() => callback?.(err)));
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
