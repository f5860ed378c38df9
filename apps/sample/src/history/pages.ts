import type { PageHistoryOptions } from 'nest-session-kit';
import { isApiDocs } from '../common/api-docs';

export const HISTORY_SIZE = 10;

/** GET routes that are not pages a visitor navigates to. */
const NOT_PAGES = new Set(['/history', '/auth/csrf', '/health']);

/**
 * The navigation history: every page (a GET a route answered successfully) except the ones
 * above and the API docs. A visitor without a session gets one at their first page, as with a cart.
 */
export const PAGE_HISTORY: PageHistoryOptions = {
  maxPages: HISTORY_SIZE,
  isPage: (page) => !NOT_PAGES.has(page) && !isApiDocs(page),
};
