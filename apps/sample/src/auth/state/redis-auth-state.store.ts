import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { SessionErrors } from 'nest-session-kit';
import type { AuthStateStore } from './auth-state.store';

const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

const UNDO = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

/** Login-flow state in Redis, shared by every instance of the app. */
export class RedisAuthStateStore implements AuthStateStore {
  constructor(
    private readonly client: RedisClientType,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number): Promise<number> {
    const keys = [this.keyOf(key)];
    return Number(
      await this.call(() => this.client.eval(HIT, { keys, arguments: [String(windowMs)] })),
    );
  }

  async undo(key: string): Promise<void> {
    await this.call(() => this.client.eval(UNDO, { keys: [this.keyOf(key)], arguments: [] }));
  }

  async restartWindow(key: string, windowMs: number): Promise<void> {
    await this.call(() => this.client.pExpire(this.keyOf(key), windowMs));
  }

  async remainingMs(key: string): Promise<number> {
    return Math.max(0, Number(await this.call(() => this.client.pTTL(this.keyOf(key)))));
  }

  async reset(key: string): Promise<void> {
    await this.call(() => this.client.del(this.keyOf(key)));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.call(() =>
      this.client.set(this.keyOf(key), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      }),
    );
    return reply === 'OK';
  }

  /** Redis failures answer as the session store's do: 503 SESSION_STORE_UNAVAILABLE. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw SessionErrors.storeUnavailable();
    }
  }

  /** Emails, IPs and user ids are hashed: the keys hold no personal data. */
  private keyOf(key: string): string {
    return `${this.prefix}${createHash('sha256').update(key).digest('base64url')}`;
  }
}
