import { MemorySessionStore } from 'nest-session-kit';
import { describeStoreContract, type ContractStore } from './store-contract';

/** The memory store with its raw primitives reachable, to plant foreign data. */
class InspectableMemoryStore extends MemorySessionStore {
  plant(sid: string, bytes: Buffer | string, ttlMs?: number): Promise<void> {
    return this.writeRaw(sid, bytes.toString(), ttlMs);
  }
  rawOf(sid: string): Promise<string | null> {
    return this.peekRaw(sid);
  }
}

describeStoreContract({
  name: 'memory store',
  async create(ttlSeconds): Promise<ContractStore> {
    const store = new InspectableMemoryStore({ maxSessions: 1000, ttlSeconds });
    return {
      store,
      ttlSeconds,
      ttlOf: async (sid) => store.ttlOf(sid),
      rawOf: async (sid) => {
        const raw = await store.rawOf(sid);
        return raw === null ? null : Buffer.from(raw);
      },
      plant: (sid, bytes, ttlMs) => store.plant(sid, bytes, ttlMs),
    };
  },
  async release(target) {
    (target.store as MemorySessionStore).close();
  },
});
