import { DEFAULT_IDLE_TIMEOUT_MS, type ResolvedSessionOptions } from '../session.options';

const THIRTY_DAYS_SECONDS = 30 * 86_400;

/**
 * How long a registry entry may outlive its last write: the longest a session can live (its
 * absolute timeout, or 30 days without one) plus the store's own lifetime.
 */
export function registryLifetimeSeconds(options: ResolvedSessionOptions): number {
  const lifetime =
    options.absoluteTimeout === false
      ? THIRTY_DAYS_SECONDS
      : Math.ceil(options.absoluteTimeout / 1000);
  return lifetime + options.storeTtlSeconds;
}

/** How long analytics counts a session as active after its last activity. */
export function analyticsActiveWindowMs(options: ResolvedSessionOptions): number {
  return options.idleTimeout === false ? DEFAULT_IDLE_TIMEOUT_MS : options.idleTimeout;
}
