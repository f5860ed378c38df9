import 'express-session';
import type { SessionHelperData } from 'nest-session-kit';

// This app opts in to the data helpers' fields (flash, history, forms, preferences), typed.
declare module 'express-session' {
  interface SessionData extends SessionHelperData {
    cart?: Record<string, { quantity: number }>;
  }
}
