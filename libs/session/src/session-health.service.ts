import { Injectable } from '@nestjs/common';
import { InjectSessionRedisClient } from './session.constants';
import { pingRedis, type RedisClientLike } from './backends/redis/redis-client';

export interface SessionStoreHealth {
  status: 'up' | 'down';
  message?: string;
}

/** Tells whether the session store answers (a PING on Redis; the memory store is always up). */
@Injectable()
export class SessionHealthService {
  constructor(@InjectSessionRedisClient() private readonly redis: RedisClientLike | null) {}

  async check(timeoutMs = 1000): Promise<SessionStoreHealth> {
    if (!this.redis) return { status: 'up' };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        pingRedis(this.redis),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
        }),
      ]);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', message: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
