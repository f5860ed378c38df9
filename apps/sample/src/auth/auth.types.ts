/** The sample's own session fields, declared the way the library documents. */
export interface MfaPending {
  userId: string;
  startedAt: number;
  failures: number;
}

declare module 'express-session' {
  interface SessionData {
    mfaPending?: MfaPending;
  }
}
