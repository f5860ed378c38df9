import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SessionEvents } from '../session-events';
import { SessionRegistry } from '../registry/session-registry.service';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionAuthInfo, SessionPrincipal } from '../session.types';
import { SESSION_ANALYTICS_BACKEND } from '../backends/backend';
import { SessionBackendCalls } from '../backends/backend-calls';
import type { SessionAnalyticsBackend } from '../backends/session-analytics.backend';
import { lastDays, MAX_STATS_DAYS } from './analytics-days';
import { clientCountryOf, UNKNOWN_COUNTRY } from './client-country';
import { isFromTrustedProxy } from '../security/trusted-proxy';
import type { SessionStats } from './session-stats.types';

/**
 * At most this many records wait for the backend at once; past it new ones are dropped (and
 * counted in the outage log), so a stalled backend costs bounded memory and never a login.
 */
export const MAX_PENDING_ANALYTICS_RECORDS = 1000;

/**
 * Session analytics, fed by the session events: sessions started and logins per day, daily
 * active users, session lengths, countries (from the `countryHeader` option) and the sessions
 * active now, in the backend's analytics store (Redis, shared by every instance; process memory
 * otherwise; or the `analytics` option's). Recording is fire-and-forget: each record is one
 * round trip bounded by the command timeout, a login never waits for it nor fails with it, and
 * activity is reported at most once per activity window per session.
 */
@Injectable()
export class SessionAnalytics implements OnModuleDestroy {
  private readonly unsubscribe: (() => void)[] = [];
  /** The records on their way to the backend (none rejects: failures are logged). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    events: SessionEvents,
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_ANALYTICS_BACKEND) private readonly backend: SessionAnalyticsBackend | null,
    private readonly registry: SessionRegistry,
    private readonly calls: SessionBackendCalls,
  ) {
    const analytics = backend;
    if (!analytics) return;
    this.unsubscribe = [
      events.on('login', ({ request, user, auth }) =>
        this.record('login', () =>
          analytics.recordStart({
            ...tracked(user, auth),
            at: auth.createdAt,
            country: isFromTrustedProxy(request)
              ? clientCountryOf(request, this.options.countryHeader)
              : UNKNOWN_COUNTRY,
          }),
        ),
      ),
      events.on('activity', ({ user, auth, at }) =>
        this.record('activity', () => analytics.recordActivity({ ...tracked(user, auth), at })),
      ),
      events.on('end', ({ userId, createdAt, endedAt }) =>
        this.record('end', () =>
          analytics.recordEnd({
            member: sessionHash(userId, createdAt),
            at: endedAt,
            durationMs: endedAt - createdAt,
          }),
        ),
      ),
    ];
  }

  /** How many records are on their way to the backend now. */
  get pendingRecords(): number {
    return this.inFlight.size;
  }

  /**
   * The figures of the last `days` UTC days (today included, 1 to 30) and the sessions active
   * now, once the records this instance has on their way have landed (each is bounded by the
   * command timeout), so a figure includes what was just recorded here. 503
   * SESSION_STORE_UNAVAILABLE when the backend does not answer.
   */
  async getStats(days = 7, now = Date.now()): Promise<SessionStats> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_STATS_DAYS) {
      throw new RangeError(`days must be a whole number from 1 to ${MAX_STATS_DAYS}`);
    }
    const analytics = this.backend;
    if (!analytics) throw new Error('Session analytics are off (the `analytics: false` option)');
    await Promise.all([...this.inFlight]);
    return this.calls.run('analytics read', () => analytics.stats(lastDays(days, now), now));
  }

  /** How many live sessions a user has now, from the per-user registry (no scan). */
  async activeSessionsOf(userId: string): Promise<number> {
    return (await this.registry.listSessions(userId)).length;
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Starts a record without waiting for it; its failure is logged, never thrown. */
  private record(what: string, send: () => Promise<void>): void {
    const action = `analytics ${what}`;
    if (this.inFlight.size >= MAX_PENDING_ANALYTICS_RECORDS) {
      const pending = this.inFlight.size;
      this.calls.report(action, new Error(`${pending} records pending, this one dropped`));
      return;
    }
    const landed: Promise<void> = this.calls
      .bounded(action, send)
      .catch((err: unknown) => this.calls.report(action, err))
      .finally(() => this.inFlight.delete(landed));
    this.inFlight.add(landed);
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
