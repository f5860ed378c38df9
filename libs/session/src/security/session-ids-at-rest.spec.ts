import { SessionIdsAtRest } from './session-ids-at-rest';

describe('SessionIdsAtRest', () => {
  const ids = new SessionIdsAtRest(['new-secret', 'old-secret']);

  it('stores under a keyed hash of the id, never the id, and the same id always alike', () => {
    const stored = ids.storedIdOf('abc');
    expect(stored).toMatch(/^h:[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('abc');
    expect(ids.storedIdOf('abc')).toBe(stored);
    expect(ids.storedIdOf('abd')).not.toBe(stored);
  });

  it('depends on the key, and only the first key writes', () => {
    const other = new SessionIdsAtRest(['another-secret']);
    expect(other.storedIdOf('abc')).not.toBe(ids.storedIdOf('abc'));
    expect(new SessionIdsAtRest(['new-secret']).storedIdOf('abc')).toBe(ids.storedIdOf('abc'));
  });

  it('looks for older copies under the other keys, then the raw id', () => {
    const old = new SessionIdsAtRest(['old-secret']).storedIdOf('abc');
    expect(ids.legacyIdsOf('abc')).toEqual([old, 'abc']);
    expect(new SessionIdsAtRest(['new-secret'], false).legacyIdsOf('abc')).toEqual([]);
  });

  it('never looks a stored id up raw, so a copied stored id replays as nothing', () => {
    const stored = ids.storedIdOf('abc');
    expect(ids.legacyIdsOf(stored)).not.toContain(stored);
  });

  it('keeps ids as they are when raw', () => {
    expect(SessionIdsAtRest.RAW.storedIdOf('abc')).toBe('abc');
    expect(SessionIdsAtRest.RAW.legacyIdsOf('abc')).toEqual([]);
    expect(SessionIdsAtRest.RAW.hashed).toBe(false);
  });
});
