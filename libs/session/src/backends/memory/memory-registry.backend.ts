import type { RegistryEntry, SessionRegistryBackend } from '../session-registry.backend';

/** The per-user index in process memory, beside the memory store. */
export class MemoryRegistryBackend implements SessionRegistryBackend {
  private readonly users = new Map<string, Map<string, RegistryEntry>>();

  async put(userId: string, entry: RegistryEntry): Promise<number> {
    let entries = this.users.get(userId);
    if (!entries) this.users.set(userId, (entries = new Map()));
    entries.set(entry.handle, { ...entry });
    return entries.size;
  }

  async entries(userId: string): Promise<RegistryEntry[]> {
    return [...(this.users.get(userId)?.values() ?? [])].map((entry) => ({ ...entry }));
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    const entries = this.users.get(userId);
    if (!entries) return;
    for (const handle of handles) entries.delete(handle);
    if (entries.size === 0) this.users.delete(userId);
  }
}
