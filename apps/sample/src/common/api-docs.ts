/** Where the OpenAPI UI lives; SwaggerModule also serves `/docs-json` and the UI's assets under it. */
export const API_DOCS_PATH = 'docs';

/** Whether a path belongs to the API docs rather than the JSON API. */
export function isApiDocs(path: string): boolean {
  const root = `/${API_DOCS_PATH}`;
  return path === root || path.startsWith(`${root}/`) || path.startsWith(`${root}-`);
}
