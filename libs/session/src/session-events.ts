import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionAuthInfo, SessionPrincipal } from './session.types';

/** A user signed in (a new authenticated session exists). */
export interface SessionLoginEvent {
  request: Request;
  user: SessionPrincipal;
  auth: SessionAuthInfo;
}

/** An authenticated session was used; emitted at most once per activity resolution window. */
export interface SessionActivityEvent {
  request: Request;
  user: SessionPrincipal;
  auth: SessionAuthInfo;
  at: number;
}

export type SessionEndReason = 'logout' | 'revoked' | 'timeout' | 'expired' | 'binding' | 'evicted';

/** An authenticated session ended. */
export interface SessionEndEvent {
  userId: string;
  /** The session's opaque handle (as `/auth/sessions` lists it), when it had one. */
  handle?: string;
  createdAt: number;
  endedAt: number;
  reason: SessionEndReason;
}

export interface SessionEventMap {
  login: SessionLoginEvent;
  activity: SessionActivityEvent;
  end: SessionEndEvent;
}

type Listener<K extends keyof SessionEventMap> = (
  event: SessionEventMap[K],
) => void | Promise<void>;

/**
 * Session lifecycle events (login, activity, end) for analytics and auditing. Listeners run
 * after the fact and may be async; their errors are logged, never thrown into the request.
 */
@Injectable()
export class SessionEvents {
  private readonly logger = new Logger('SessionEvents');
  private readonly listeners: { [K in keyof SessionEventMap]: Listener<K>[] } = {
    login: [],
    activity: [],
    end: [],
  };

  /** Adds a listener; the function returned removes it (calling it again does nothing). */
  on<K extends keyof SessionEventMap>(type: K, listener: Listener<K>): () => void {
    const list = this.listeners[type] as Listener<K>[];
    const entry: Listener<K> = (event) => listener(event);
    list.push(entry);
    return () => {
      const at = list.indexOf(entry);
      if (at !== -1) list.splice(at, 1);
    };
  }

  /** Runs the listeners and waits for them (they are bounded work, such as one Redis pipeline). */
  async emit<K extends keyof SessionEventMap>(type: K, event: SessionEventMap[K]): Promise<void> {
    const list = this.listeners[type] as Listener<K>[];
    await Promise.all(
      list.map(async (listener) => {
        try {
          await listener(event);
        } catch (err) {
          this.logger.warn(
            `A ${type} listener failed: ${err instanceof Error ? err.message : err}`,
          );
        }
      }),
    );
  }
}
