import type { FlashMessage, SessionPrincipal } from 'nest-session-kit';
import { html, type Html } from '../html';

/** What every page shows around its content: who is signed in, and the flash messages. */
export interface PageFrame {
  title: string;
  user?: SessionPrincipal;
  /** Whether the user may see the admin dashboard (shown in the navigation). */
  isAdmin?: boolean;
  flash?: FlashMessage[];
}

/** A whole HTML document: the navigation, the flash messages, then the page's content. */
export function layout(frame: PageFrame, content: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · nest-session-kit sample</title>
        <link rel="stylesheet" href="/assets/pages.css" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">nest-session-kit</a>
          <nav aria-label="Main">
            <ul>
              <li><a href="/shop">Shop</a></li>
              ${
                frame.user
                  ? html`<li><a href="/account">Account</a></li>
                      <li><a href="/account/sessions">Your sessions</a></li>
                      ${frame.isAdmin && html`<li><a href="/admin/dashboard">Dashboard</a></li>`}`
                  : html`<li><a href="/login">Sign in</a></li>`
              }
            </ul>
          </nav>
        </header>
        <main>${flashMessages(frame.flash ?? [])} ${content}</main>
        <footer class="site-footer">
          Server-rendered pages of the nest-session-kit sample: they work without JavaScript.
        </footer>
      </body>
    </html>`;
}

function flashMessages(messages: FlashMessage[]): Html {
  if (messages.length === 0) return html``;
  return html`<div class="flashes">
    ${messages.map(
      ({ type, message }) =>
        html`<p
          class="flash flash-${type === 'error' ? 'error' : 'success'}"
          role="${type === 'error' ? 'alert' : 'status'}"
          data-testid="flash"
        >
          ${message}
        </p>`,
    )}
  </div>`;
}
