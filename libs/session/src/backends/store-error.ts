import { SessionStoreError } from '../errors';

/** The bound on each backend call when the backend names none, in ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;

/** A failed backend call as the SessionStoreError that answers 503 SESSION_STORE_UNAVAILABLE. */
export function toSessionStoreError(action: string, err: unknown): SessionStoreError {
  if (err instanceof SessionStoreError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new SessionStoreError(`Session store ${action} failed: ${reason}`, { cause: err });
}
