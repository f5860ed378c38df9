import 'express-session';
import type { SessionHelperData } from './session-data.types';

// The helpers' own specs read the keys they keep, as an app that opts in does.
declare module 'express-session' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface SessionData extends SessionHelperData {}
}
