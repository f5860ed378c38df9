// The app's own session fields. The file must be a module (it imports something), or the
// declaration below would replace express-session's types instead of adding to them.
import 'express-session';

declare module 'express-session' {
  interface SessionData {
    /** The app's own `history`, of another type than the library's SessionHistory helper. */
    history?: number[];
    notes?: string[];
  }
}
