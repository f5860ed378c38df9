import type { Request } from 'express';
import { SessionErrors } from '../errors';
import type { AppSession } from '../session.types';
import type { SessionHelperData } from './session-data.types';
import { requireSession } from './session-data.guards';

export interface HistoryLimits {
  /** Distinct pages kept; past it the oldest is dropped. @default 10 */
  maxPages?: number;
  /** Characters in one page path; a longer one is refused with 413. @default 512 */
  maxPathLength?: number;
}

/**
 * Navigation history: the last distinct pages visited, newest first, at `session.history`.
 * Visiting a page again moves it to the front; visiting the newest page again changes nothing,
 * so it costs no session write.
 */
export class SessionHistory {
  readonly maxPages: number;
  readonly maxPathLength: number;

  private readonly session: AppSession & SessionHelperData;

  constructor(session: AppSession, limits: HistoryLimits = {}) {
    this.session = session as AppSession & SessionHelperData;
    this.maxPages = limits.maxPages ?? 10;
    this.maxPathLength = limits.maxPathLength ?? 512;
  }

  static of(req: Request, limits?: HistoryLimits): SessionHistory {
    return new SessionHistory(requireSession(req), limits);
  }

  /** Records a visit; false when the page already was the newest (nothing changed). */
  record(path: string): boolean {
    if (path.length > this.maxPathLength) {
      throw SessionErrors.dataTooLarge('A page path', `${this.maxPathLength} characters`);
    }
    const pages = this.pages();
    if (pages[0] === path) return false;
    this.session.history = [path, ...pages.filter((page) => page !== path)].slice(0, this.maxPages);
    return true;
  }

  /** The pages, newest first. */
  pages(): string[] {
    const stored = this.session.history;
    return Array.isArray(stored) ? stored.slice(0, this.maxPages) : [];
  }

  clear(): void {
    if (this.session.history !== undefined) delete this.session.history;
  }
}
