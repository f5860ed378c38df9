import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { InjectSessionOptions } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import type { SessionPrincipal } from '../session.types';
import { SessionEvents, type SessionEndReason } from '../session-events';
import {
  SESSION_BACKEND,
  SESSION_REGISTRY_BACKEND,
  type SessionBackend,
  type SessionStoreAccess,
} from '../backends/backend';
import { SessionBackendCalls } from '../backends/backend-calls';
import type { SessionRekeyEvent } from '../backends/merging.store';
import type { RegistryEntry, SessionRegistryBackend } from '../backends/session-registry.backend';

/** A live session as its user sees it; `id` is an opaque handle, never the session id. */
export interface SessionInfo {
  id: string;
  current: boolean;
  createdAt: number;
  lastActivityAt: number;
  ip?: string;
  userAgent?: string;
}

interface LiveEntry {
  entry: RegistryEntry;
  data: SessionData;
}

/**
 * The per-user index of live sessions: list, revoke, limit and update a user's sessions at a cost
 * in proportion to that user's sessions, never a scan of the store. Entries whose session is
 * gone are pruned as they are met. A backend failure is 503 SESSION_STORE_UNAVAILABLE.
 */
@Injectable()
export class SessionRegistry {
  private readonly access: SessionStoreAccess;

  constructor(
    @InjectSessionOptions() private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_BACKEND) sessionBackend: SessionBackend,
    @Inject(SESSION_REGISTRY_BACKEND) private readonly backend: SessionRegistryBackend,
    private readonly calls: SessionBackendCalls,
    private readonly events: SessionEvents,
  ) {
    this.access = sessionBackend.access;
    sessionBackend.store.on('rekey', (event: SessionRekeyEvent) => void this.rekeyed(event));
  }

  /** A new opaque handle for a session. */
  newHandle(): string {
    return randomBytes(16).toString('base64url');
  }

  /**
   * Records a session (`sid`: its id, as `req.sessionID`) under its user (at login, and again
   * after its id changed) and, past `maxSessionsPerUser`, revokes the user's oldest sessions.
   * The registry keeps the handle and the session's stored id, never its id.
   */
  async record(userId: string, entry: RegistryEntry): Promise<void> {
    const stored = { ...entry, sid: this.access.storedIdOf(entry.sid) };
    const count = await this.calls.run('registry put', () => this.backend.put(userId, stored));
    const max = this.options.maxSessionsPerUser;
    if (max !== false && count > max) await this.enforceLimit(userId, max);
  }

  /** Drops a session from its user's index (the session itself is destroyed by the caller). */
  forget(userId: string, handle: string): Promise<void> {
    return this.remove(userId, [handle]);
  }

  async listSessions(userId: string, currentHandle?: string): Promise<SessionInfo[]> {
    const live = await this.liveEntries(userId);
    return live
      .map(({ entry, data }) => ({
        id: entry.handle,
        current: entry.handle === currentHandle,
        createdAt: data.auth?.createdAt ?? entry.createdAt,
        lastActivityAt: data.auth?.lastActivityAt ?? entry.createdAt,
        ip: data.auth?.ip,
        userAgent: data.auth?.userAgent,
      }))
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  }

  /** Revokes one session by handle; false when the user has no such live session. */
  async revokeSession(userId: string, handle: string): Promise<boolean> {
    const live = (await this.liveEntries(userId)).find(({ entry }) => entry.handle === handle);
    if (!live) return false;
    await this.revoke(userId, [live], 'revoked');
    return true;
  }

  /** Revokes every session of the user but the one with `keepHandle`; resolves how many. */
  async revokeOtherSessions(userId: string, keepHandle: string | undefined): Promise<number> {
    const others = (await this.liveEntries(userId)).filter(
      ({ entry }) => entry.handle !== keepHandle,
    );
    await this.revoke(userId, others, 'revoked');
    return others.length;
  }

  async revokeAllSessions(userId: string): Promise<number> {
    return this.revokeOtherSessions(userId, undefined);
  }

  /** The current stored id of a session known by its handle (ids change; handles do not). */
  async sidOf(userId: string, handle: string): Promise<string | undefined> {
    const entries = await this.entries(userId);
    return entries.find((entry) => entry.handle === handle)?.sid;
  }

  /** Applies a change to the principal of each of the user's live sessions (new roles, say). */
  async updateUser(
    userId: string,
    change: (user: SessionPrincipal) => SessionPrincipal,
  ): Promise<number> {
    const entries = await this.entries(userId);
    const updated = await Promise.all(
      entries.map(({ sid }) =>
        this.calls.run('update', () =>
          this.access.update(sid, (data) => {
            if (data.user?.id === userId) data.user = change(data.user);
          }),
        ),
      ),
    );
    return updated.filter(Boolean).length;
  }

  /** A session moved to its current stored id (first read after a key change): follow it. */
  private async rekeyed({ to, data }: SessionRekeyEvent): Promise<void> {
    const { user, auth } = data;
    if (!user?.id || !auth?.handle) return;
    const entry = { handle: auth.handle, sid: to, createdAt: auth.createdAt };
    await this.calls
      .run('registry put', () => this.backend.put(user.id, entry))
      .catch(() => undefined);
  }

  /**
   * Keeps the user's `max` newest sessions and revokes the others. Every enforcer keeps the
   * newest of what it sees (ties broken by handle), never itself first: logins racing on several
   * instances then agree, and exactly `max` sessions stay, rather than an older login evicting
   * newer ones while a newer one evicts it.
   */
  private async enforceLimit(userId: string, max: number): Promise<void> {
    const live = await this.liveEntries(userId);
    if (live.length <= max) return;
    const newestFirst = [...live].sort(
      (a, b) => b.entry.createdAt - a.entry.createdAt || (a.entry.handle < b.entry.handle ? -1 : 1),
    );
    await this.revoke(userId, newestFirst.slice(max), 'evicted');
  }

  /** The user's entries whose session still exists and still belongs to the user. */
  private async liveEntries(userId: string): Promise<LiveEntry[]> {
    const entries = await this.entries(userId);
    const sessions = await Promise.all(
      entries.map(({ sid }) => this.calls.run('read', () => this.access.peek(sid))),
    );
    const live: LiveEntry[] = [];
    const stale: string[] = [];
    entries.forEach((entry, i) => {
      const data = sessions[i];
      if (data?.user?.id === userId) live.push({ entry, data });
      else stale.push(entry.handle);
    });
    await this.remove(userId, stale);
    return live;
  }

  private async revoke(userId: string, sessions: LiveEntry[], reason: SessionEndReason) {
    if (sessions.length === 0) return;
    await Promise.all(
      sessions.map(({ entry }) => this.calls.run('delete', () => this.access.destroy(entry.sid))),
    );
    await this.remove(
      userId,
      sessions.map(({ entry }) => entry.handle),
    );
    const endedAt = Date.now();
    await Promise.all(
      sessions.map(({ entry, data }) =>
        this.events.emit('end', {
          userId,
          handle: entry.handle,
          createdAt: data.auth?.createdAt ?? entry.createdAt,
          endedAt,
          reason,
        }),
      ),
    );
  }

  private entries(userId: string): Promise<RegistryEntry[]> {
    return this.calls.run('registry read', () => this.backend.entries(userId));
  }

  private async remove(userId: string, handles: string[]): Promise<void> {
    if (handles.length === 0) return;
    await this.calls.run('registry remove', () => this.backend.remove(userId, handles));
  }
}
