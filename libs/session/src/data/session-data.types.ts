/** A flash message as it is read back: its type (success, error, ...) and its text. */
export interface FlashMessage {
  type: string;
  message: string;
}

/** One multi-step form in progress: the data of each step saved so far, by step. */
export interface FormDraft {
  steps: Record<string, Record<string, unknown>>;
  /** When a step last changed (epoch ms). */
  updatedAt: number;
}

/** A preference value: anything JSON can hold. */
export type PreferenceValue =
  string | number | boolean | null | PreferenceValue[] | { [key: string]: PreferenceValue };

/**
 * The session keys the data helpers keep. They are not added to express-session's `SessionData`
 * unless an app opts in, so an app can have its own `history` or `flash` of another type (it then
 * does not use that helper):
 *
 *     declare module 'express-session' {
 *       interface SessionData extends SessionHelperData {}
 *     }
 */
export interface SessionHelperData {
  /** Flash messages by type, kept until read (see SessionFlash). */
  flash?: Record<string, string[]>;
  /** The last distinct pages visited, newest first (see SessionHistory). */
  history?: string[];
  /** Multi-step form drafts by form id (see SessionFormDrafts). */
  forms?: Record<string, FormDraft>;
  /** Preferences the user changed from their defaults (see SessionPreferences). */
  preferences?: Record<string, PreferenceValue>;
}
