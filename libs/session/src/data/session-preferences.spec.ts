import './session-helper-data.spec-support';
import type { AppSession } from '../session.types';
import { SessionHttpException } from '../errors';
import { SessionPreferences } from './session-preferences';

const DEFAULTS = { theme: 'system', pageSize: 20, tags: [] as string[] };

describe('SessionPreferences', () => {
  it('reads the defaults until something is set, then the value set', () => {
    const session = {} as AppSession;
    const preferences = new SessionPreferences(session, DEFAULTS);
    expect(preferences.get()).toEqual(DEFAULTS);
    expect(preferences.set({ theme: 'dark' })).toEqual({ ...DEFAULTS, theme: 'dark' });
    expect(session.preferences).toEqual({ theme: 'dark' });
    expect(preferences.value('theme')).toBe('dark');
  });

  it('writes nothing when the value is already in effect', () => {
    const session = {} as AppSession;
    const preferences = new SessionPreferences(session, DEFAULTS);
    preferences.set({ theme: 'system', pageSize: undefined });
    expect(Object.keys(session)).toEqual([]);
    preferences.set({ pageSize: 50 });
    const stored = session.preferences;
    preferences.set({ pageSize: 50 });
    expect(session.preferences).toBe(stored);
  });

  it('does not let callers change the defaults or the session through what they read', () => {
    const session = {} as AppSession;
    const preferences = new SessionPreferences(session, DEFAULTS);
    preferences.get().tags.push('changed');
    expect(preferences.get().tags).toEqual([]);
  });

  it('refuses preferences that have no default', () => {
    const preferences = new SessionPreferences({} as AppSession, DEFAULTS);
    expect(() => preferences.set({ colour: 'red' } as never)).toThrow(TypeError);
    expect(() =>
      preferences.set(JSON.parse('{"__proto__": "x"}') as Partial<typeof DEFAULTS>),
    ).toThrow(TypeError);
  });

  it('refuses preferences larger than the limit with 413 and keeps the previous ones', () => {
    const session = {} as AppSession;
    const preferences = new SessionPreferences(session, DEFAULTS, { maxBytes: 100 });
    preferences.set({ tags: ['a'] });
    expect(() => preferences.set({ tags: ['x'.repeat(100)] })).toThrow(SessionHttpException);
    expect(preferences.value('tags')).toEqual(['a']);
  });

  it('resets keys to their defaults', () => {
    const session = {} as AppSession;
    const preferences = new SessionPreferences(session, DEFAULTS);
    preferences.set({ theme: 'dark', pageSize: 50 });
    expect(preferences.reset(['theme'])).toEqual({ ...DEFAULTS, pageSize: 50 });
    preferences.reset();
    expect(session.preferences).toBeUndefined();
  });
});
