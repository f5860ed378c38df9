import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Store } from 'express-session';
import { SessionErrors } from '../errors';
import { SessionEvents } from '../session-events';
import { SessionRegistry } from '../registry/session-registry.service';
import { InjectSessionOptions, InjectSessionStore } from '../session.constants';
import { DEFAULT_IDLE_TIMEOUT_MS, type ResolvedSessionOptions } from '../session.options';
import type { SessionAuthInfo, SessionPrincipal } from '../session.types';
import { RedisSessionStore } from '../backends/redis/redis-session.store';
import { lastDays, MAX_STATS_DAYS, utcDayOf } from './analytics-days';
import { clientCountryOf } from './client-country';
import { MemoryAnalyticsBackend } from '../backends/memory/memory-analytics.backend';
import { RedisAnalyticsBackend } from '../backends/redis/redis-analytics.backend';
import type { SessionAnalyticsBackend } from '../backends/session-analytics.backend';
import type { SessionStats } from './session-stats.types';

/**
 * Session analytics, fed by the session events: sessions started and logins per day, daily
 * active users, session lengths, countries (from the `countryHeader` option) and the sessions
 * active now. Backed by Redis on the Redis store (shared by every instance), by process memory
 * otherwise. Each event costs at most one round trip, and activity is reported at most once per
 * activity window per session, so tracking never costs a write per request.
 */
@Injectable()
export class SessionAnalytics implements OnModuleDestroy {
  private readonly logger = new Logger('SessionAnalytics');
  private readonly backend: SessionAnalyticsBackend;
  private readonly unsubscribe: (() => void)[];

  constructor(
    events: SessionEvents,
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    @InjectSessionStore() store: Store,
    private readonly registry: SessionRegistry,
  ) {
    const activeWindowMs =
      options.idleTimeout === false ? DEFAULT_IDLE_TIMEOUT_MS : options.idleTimeout;
    this.backend =
      store instanceof RedisSessionStore
        ? new RedisAnalyticsBackend(store.commands, store.metaPrefix, activeWindowMs, utcDayOf)
        : new MemoryAnalyticsBackend(activeWindowMs, utcDayOf);
    this.unsubscribe = [
      events.on('login', ({ request, user, auth }) =>
        this.backend.recordStart({
          ...tracked(user, auth),
          at: auth.createdAt,
          country: clientCountryOf(request, this.options.countryHeader),
        }),
      ),
      events.on('activity', ({ user, auth, at }) =>
        this.backend.recordActivity({ ...tracked(user, auth), at }),
      ),
      events.on('end', ({ userId, createdAt, endedAt }) =>
        this.backend.recordEnd({
          member: sessionHash(userId, createdAt),
          at: endedAt,
          durationMs: endedAt - createdAt,
        }),
      ),
    ];
  }

  /**
   * The figures of the last `days` UTC days (today included, 1 to 30) and the sessions active
   * now. 503 SESSION_STORE_UNAVAILABLE when Redis does not answer.
   */
  async getStats(days = 7, now = Date.now()): Promise<SessionStats> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_STATS_DAYS) {
      throw new RangeError(`days must be a whole number from 1 to ${MAX_STATS_DAYS}`);
    }
    try {
      return await this.backend.stats(lastDays(days, now), now);
    } catch (err) {
      this.logger.error(`Reading the figures failed: ${err instanceof Error ? err.message : err}`);
      throw SessionErrors.storeUnavailable();
    }
  }

  /** How many live sessions a user has now, from the per-user registry (no scan). */
  async activeSessionsOf(userId: string): Promise<number> {
    return (await this.registry.listSessions(userId)).length;
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}

function tracked(user: SessionPrincipal, auth: SessionAuthInfo) {
  return { userId: user.id, member: sessionHash(user.id, auth.createdAt) };
}

/**
 * Identifies a session without its id: the end event does not carry the id, and the id changes
 * on rotation, while the user and the creation time stay.
 */
function sessionHash(userId: string, createdAt: number): string {
  return createHash('sha256').update(`${userId}\n${createdAt}`).digest('base64url').slice(0, 22);
}
