import type { PageHistoryOptions } from 'nest-session-kit';
import { isApiDocs } from '../common/api-docs';
import { PAGE_ASSETS_PREFIX } from '../pages/page-routes';

export const HISTORY_SIZE = 10;

/** GET routes that are not pages a visitor navigates to. */
const NOT_PAGES = new Set(['/history', '/auth/csrf', '/health']);

/**
 * The navigation history: every page (a GET a route answered successfully) except the ones
 * above and the API docs, for visitors that have a session: pages alone start none.
 */
export const PAGE_HISTORY: PageHistoryOptions = {
  maxPages: HISTORY_SIZE,
  isPage: (page) =>
    !NOT_PAGES.has(page) && !isApiDocs(page) && !page.startsWith(PAGE_ASSETS_PREFIX),
};
