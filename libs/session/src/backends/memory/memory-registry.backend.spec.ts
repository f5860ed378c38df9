import { MemoryRegistryBackend } from './memory-registry.backend';

class Clock {
  t = 1_000_000;
  readonly now = () => this.t;
}

const entry = (handle: string) => ({ handle, sid: `sid-${handle}`, createdAt: 1 });

describe('MemoryRegistryBackend', () => {
  let clock: Clock;
  let registry: MemoryRegistryBackend;
  beforeEach(() => {
    clock = new Clock();
    registry = new MemoryRegistryBackend(60_000, clock.now);
  });
  afterEach(() => registry.close());

  it('keeps entries per user and counts them', async () => {
    expect(await registry.put('u1', entry('a'))).toBe(1);
    expect(await registry.put('u1', entry('b'))).toBe(2);
    expect(await registry.put('u1', entry('a'))).toBe(2);
    expect(await registry.put('u2', entry('c'))).toBe(1);
    expect((await registry.entries('u1')).map((e) => e.handle).sort()).toEqual(['a', 'b']);
    await registry.remove('u1', ['a', 'missing']);
    expect(await registry.entries('u1')).toEqual([entry('b')]);
  });

  it('lets an entry expire with its session: lifetime after its last write', async () => {
    await registry.put('u1', entry('a'));
    clock.t += 30_000;
    await registry.put('u1', entry('b'));
    clock.t += 30_000;
    expect((await registry.entries('u1')).map((e) => e.handle)).toEqual(['b']);
    clock.t += 30_000;
    expect(await registry.entries('u1')).toEqual([]);
    expect(registry.userCount).toBe(0);
  });

  it('frees the users nobody asks about again on its sweep', async () => {
    for (let i = 0; i < 100; i++) await registry.put(`u${i}`, entry('a'));
    expect(registry.userCount).toBe(100);
    clock.t += 60_000;
    registry.sweep();
    expect(registry.userCount).toBe(0);
  });

  it('counts only live entries when a new one is put', async () => {
    await registry.put('u1', entry('a'));
    clock.t += 60_000;
    expect(await registry.put('u1', entry('b'))).toBe(1);
  });
});
