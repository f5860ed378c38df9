import type { Request } from 'express';
import type { AppSession } from '../session.types';
import { assertFits, assertSafeKey, requireSession, sameJson } from './session-data.guards';
import type { PreferenceValue, SessionHelperData } from './session-data.types';

export type PreferenceMap = Record<string, PreferenceValue>;

export interface PreferenceLimits {
  /** Size of the stored preferences as JSON; a change past it is refused with 413. @default 4096 */
  maxBytes?: number;
}

/**
 * Preferences with defaults, at `session.preferences`. Only values the user set are stored (one
 * key each, so two requests changing different preferences both keep theirs); reading fills in
 * the defaults. A change to the value already in effect writes nothing.
 */
export class SessionPreferences<T extends PreferenceMap> {
  private readonly maxBytes: number;

  private readonly session: AppSession & SessionHelperData;

  constructor(
    session: AppSession,
    private readonly defaults: T,
    limits: PreferenceLimits = {},
  ) {
    this.session = session as AppSession & SessionHelperData;
    this.maxBytes = limits.maxBytes ?? 4096;
  }

  static of<T extends PreferenceMap>(
    req: Request,
    defaults: T,
    limits?: PreferenceLimits,
  ): SessionPreferences<T> {
    return new SessionPreferences(requireSession(req), defaults, limits);
  }

  /** Every preference: the user's value, or the default. */
  get(): T {
    const result = structuredClone(this.defaults);
    const stored = this.session.preferences ?? {};
    for (const key of Object.keys(this.defaults) as (keyof T & string)[]) {
      if (Object.hasOwn(stored, key)) result[key] = structuredClone(stored[key]) as T[typeof key];
    }
    return result;
  }

  value<K extends keyof T & string>(key: K): T[K] {
    return this.get()[key];
  }

  /** Sets the given preferences (undefined ones are left alone) and returns them all. */
  set(changes: Partial<T>): T {
    const current = this.get();
    const changed = Object.entries(changes).filter(([key, value]) => {
      this.assertKnown(key);
      return value !== undefined && !sameJson(current[key], value);
    });
    if (changed.length === 0) return current;
    const next = { ...this.session.preferences, ...structuredClone(Object.fromEntries(changed)) };
    assertFits('Preferences', next, this.maxBytes);
    this.session.preferences = next;
    return this.get();
  }

  /** Back to the defaults: the given keys, or all of them. */
  reset(keys: (keyof T & string)[] = Object.keys(this.defaults)): T {
    const stored = this.session.preferences;
    if (!stored || !keys.some((key) => Object.hasOwn(stored, key))) return this.get();
    const remaining = Object.fromEntries(
      Object.entries(stored).filter(([key]) => !keys.includes(key)),
    );
    if (Object.keys(remaining).length > 0) this.session.preferences = remaining;
    else delete this.session.preferences;
    return this.get();
  }

  private assertKnown(key: string): void {
    assertSafeKey('preference', key);
    if (!Object.hasOwn(this.defaults, key)) {
      throw new TypeError(`Unknown preference "${key}": give it a default`);
    }
  }
}
