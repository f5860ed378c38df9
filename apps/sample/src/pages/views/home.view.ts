import { html, type Html } from '../html';
import type { SessionPrincipal } from 'nest-session-kit';

export function homeView(user: SessionPrincipal | undefined): Html {
  return html`<section class="card">
    <h1>Welcome</h1>
    ${
      user
        ? html`<p>Signed in as <strong data-testid="whoami">${user.email}</strong>.</p>
            <p><a href="/account">Your account</a> · <a href="/shop">The shop</a></p>`
        : html`<p>You are not signed in.</p>
            <p>
              <a href="/login">Sign in</a> to see your account, or browse
              <a href="/shop">the shop</a>.
            </p>`
    }
  </section>`;
}
