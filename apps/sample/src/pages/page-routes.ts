/** The page routes that take form posts (urlencoded, with `_csrf`), not JSON. */
const FORM_ROUTES = [
  /^\/login$/,
  /^\/login\/mfa$/,
  /^\/logout$/,
  /^\/shop\/cart$/,
  /^\/account\/sessions\/revoke-others$/,
  /^\/account\/sessions\/[^/]+\/revoke$/,
];

export function isPageForm(method: string, path: string): boolean {
  return method === 'POST' && FORM_ROUTES.some((route) => route.test(path));
}

/** Where the pages' stylesheet is served; not a page of the navigation history. */
export const PAGE_ASSETS_PREFIX = '/assets/';
