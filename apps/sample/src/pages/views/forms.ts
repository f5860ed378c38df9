import { html, type Html } from '../html';

/** The session's CSRF token, posted back by a form in place of the x-csrf-token header. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}
