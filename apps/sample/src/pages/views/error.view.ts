import { html, type Html } from '../html';

export function forbiddenView(message: string): Html {
  return html`<section class="card narrow" data-testid="forbidden">
    <h1>Access denied</h1>
    <p>${message}</p>
    <p><a href="/">Back to the home page</a></p>
  </section>`;
}

export function errorView(title: string, message: string): Html {
  return html`<section class="card narrow" data-testid="page-error">
    <h1>${title}</h1>
    <p>${message}</p>
    <p><a href="/">Back to the home page</a></p>
  </section>`;
}
