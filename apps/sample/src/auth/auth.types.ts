/** The sample's own session fields, declared the way the library documents. */
export interface MfaPending {
  /** Names this pending login's try counter in the auth state store. */
  id: string;
  userId: string;
  startedAt: number;
}

declare module 'express-session' {
  interface SessionData {
    mfaPending?: MfaPending;
  }
}
