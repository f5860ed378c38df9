import type { Request, Response } from 'express';
import type { AppSession } from '../session.types';
import { hasLiveSession } from '../security/session-origin';
import { SessionHistory, type HistoryLimits } from './session-history';
import { isRouted } from '../http/node-request';

export interface PageHistoryOptions extends HistoryLimits {
  /**
   * Which successful GETs are pages, given the page's path (no query string, no trailing
   * slash). @default every GET a route answered
   */
  isPage?: (page: string, req: Request) => boolean;
}

/**
 * @internal Records each page a visitor sees in the session's navigation history
 * (`SessionHistory`): a GET a route answered with 2xx or 304. It records when the response
 * ends, just before express-session decides whether to save, so it needs no interceptor and
 * costs no write when the page already is the newest. Only visitors that have a session get
 * a history: a page alone never creates a stored session (a flood of cookie-less GETs stores
 * nothing), though a page whose route itself wrote to a new session is recorded.
 */
export class PageHistoryRecorder {
  constructor(private readonly options: PageHistoryOptions) {}

  /** Call once the request's session is loaded (express-session has wrapped `res.end` by then). */
  watch(req: Request, res: Response): void {
    if (req.method !== 'GET') return;
    const end = res.end;
    res.end = ((...args: Parameters<Response['end']>) => {
      this.recordIfPage(req, res);
      return end.apply(res, args);
    }) as Response['end'];
  }

  private recordIfPage(req: Request, res: Response): void {
    const session = req.session as AppSession | undefined;
    if (!session || !isRouted(req) || !isSuccess(res.statusCode)) return;
    if (!hasLiveSession(req) && !holdsData(session)) return;
    const page = pageOf(req.originalUrl);
    const history = new SessionHistory(session, this.options);
    if (page.length > history.maxPathLength) return;
    if (this.options.isPage && !this.options.isPage(page, req)) return;
    history.record(page);
  }
}

/** Whether a new session holds anything but its cookie, and so will be stored anyway. */
function holdsData(session: object): boolean {
  return Object.keys(session).some((key) => key !== 'cookie');
}

function isSuccess(status: number): boolean {
  return (status >= 200 && status < 300) || status === 304;
}

/** The page a URL shows: `/cart/?page=2` is `/cart`. */
function pageOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}
