export const THEMES = ['light', 'dark', 'system'] as const;

/** The sample's preferences, with the values a new visitor gets. */
export const DEFAULT_PREFERENCES = {
  theme: 'system' as (typeof THEMES)[number],
  language: 'en',
  pageSize: 20,
};

export type AppPreferences = typeof DEFAULT_PREFERENCES;
