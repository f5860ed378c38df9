import { createHash } from 'node:crypto';
import type { RedisClientLike } from 'nest-session-kit';
import type { AttemptCounter } from './attempt-counter';

const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

/** Attempt counts in Redis, shared by every instance of the app. */
export class RedisAttemptCounter implements AttemptCounter {
  constructor(
    private readonly client: RedisClientLike,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number): Promise<number> {
    const reply = await this.client.eval(HIT, {
      keys: [this.keyOf(key)],
      arguments: [String(windowMs)],
    });
    return Number(reply);
  }

  async peek(key: string): Promise<{ count: number; remainingMs: number }> {
    const redisKey = this.keyOf(key);
    const [count, ttl] = await Promise.all([this.client.get(redisKey), this.client.pTTL(redisKey)]);
    return { count: Number(count ?? 0), remainingMs: Math.max(0, Number(ttl)) };
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.keyOf(key));
  }

  /** Emails and IPs are hashed: the keys hold no personal data. */
  private keyOf(key: string): string {
    return `${this.prefix}login-attempts:${createHash('sha256').update(key).digest('base64url')}`;
  }
}
