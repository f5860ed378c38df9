import { LuaScript, type RedisCommands } from './redis-client';
import {
  parseEntry,
  type RegistryEntry,
  type SessionRegistryBackend,
} from '../session-registry.backend';

const PUT = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HLEN', KEYS[1])
`);

/**
 * The per-user index as one Redis hash per user (handle -> entry). The user id sits in a hash
 * tag, `{...}`, so on a cluster each user's index is one slot and every command names one key.
 */
export class RedisRegistryBackend implements SessionRegistryBackend {
  constructor(
    private readonly commands: RedisCommands,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async put(userId: string, entry: RegistryEntry): Promise<number> {
    const count = await this.commands.run<number>(
      PUT,
      [this.keyOf(userId)],
      [entry.handle, JSON.stringify(entry), String(this.ttlSeconds)],
    );
    return Number(count);
  }

  async entries(userId: string): Promise<RegistryEntry[]> {
    const key = this.keyOf(userId);
    const reply = await this.commands.send<Record<string, string> | string[]>(key, [
      'HGETALL',
      key,
    ]);
    const values = Array.isArray(reply)
      ? reply.filter((_, i) => i % 2 === 1)
      : Object.values(reply);
    return values.map(parseEntry).filter((entry): entry is RegistryEntry => entry !== null);
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    if (handles.length === 0) return;
    const key = this.keyOf(userId);
    await this.commands.send(key, ['HDEL', key, ...handles]);
  }
}
