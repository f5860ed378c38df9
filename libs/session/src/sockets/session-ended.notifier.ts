import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectSessionOptions } from '../session.constants';
import { SESSION_BACKEND, type SessionBackend } from '../backends/backend';
import type { ResolvedSessionOptions } from '../session.options';
import { SessionEvents, type SessionEndReason } from '../session-events';
import type { RedisClientLike } from '../backends/redis/redis-client';

export interface SessionEndedNotice {
  handle: string;
  reason: SessionEndReason;
}

type Listener = (notice: SessionEndedNotice) => void;

interface Subscriber {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  close?(): Promise<unknown>;
  destroy?(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * @internal Tells every app instance that a session ended (logout, revocation, eviction, a
 * timeout met by a request), so that they close its sockets: at once in this process, and over
 * the Redis backend's pub/sub (one PUBLISH per ended session) to the others. Starts when the first
 * socket middleware is made, so apps without gateways pay nothing.
 */
@Injectable()
export class SessionEndedNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger('SessionSockets');
  private readonly instance = randomBytes(8).toString('base64url');
  private readonly channel: string;
  private readonly listeners = new Set<Listener>();
  private subscriber?: Subscriber;
  private started?: Promise<void>;
  private readonly redis: RedisClientLike | null;

  constructor(
    @InjectSessionOptions() options: ResolvedSessionOptions,
    private readonly events: SessionEvents,
    @Inject(SESSION_BACKEND) backend: SessionBackend,
  ) {
    this.redis = backend.redisClient ?? null;
    const prefix = (options.store as { prefix?: string }).prefix ?? 'sess:';
    this.channel = `${prefix}ended`;
  }

  /** Starts listening (once); resolves when the cross-instance subscription is in place. */
  start(): Promise<void> {
    if (!this.started) {
      this.events.on('end', ({ handle, reason }) => {
        if (handle) return this.publish({ handle, reason });
      });
      this.started = this.subscribe().catch((err: unknown) =>
        this.logger.warn(
          `Ended sessions from other instances will not close sockets here: ${(err as Error).message}`,
        ),
      );
    }
    return this.started;
  }

  onEnded(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    try {
      await subscriber.close?.();
    } catch {
      subscriber.destroy?.();
    }
  }

  private async publish(notice: SessionEndedNotice): Promise<void> {
    this.deliver(notice);
    if (!this.redis) return;
    const message = JSON.stringify({ ...notice, from: this.instance });
    try {
      await (this.redis as unknown as { publish(c: string, m: string): Promise<unknown> }).publish(
        this.channel,
        message,
      );
    } catch (err) {
      this.logger.warn(`Could not announce an ended session: ${(err as Error).message}`);
    }
  }

  private async subscribe(): Promise<void> {
    if (!this.redis) return;
    const subscriber = (this.redis as unknown as { duplicate(): Subscriber }).duplicate();
    subscriber.on('error', (err) => this.logger.warn(`Redis subscriber: ${err.message}`));
    await subscriber.connect();
    await subscriber.subscribe(this.channel, (message) => this.receive(message));
    this.subscriber = subscriber;
  }

  private receive(message: string): void {
    let notice: (SessionEndedNotice & { from?: string }) | undefined;
    try {
      notice = JSON.parse(message) as SessionEndedNotice & { from?: string };
    } catch {
      return;
    }
    if (notice.from === this.instance || typeof notice.handle !== 'string') return;
    this.deliver({ handle: notice.handle, reason: notice.reason });
  }

  private deliver(notice: SessionEndedNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}
