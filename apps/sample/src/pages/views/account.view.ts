import type { SessionPrincipal } from 'nest-session-kit';
import { html, type Html } from '../html';
import { csrfField } from './forms';

export function accountView(user: SessionPrincipal, csrfToken: string): Html {
  return html`<section class="card">
    <h1>Your account</h1>
    <dl class="facts">
      <dt>Email</dt>
      <dd data-testid="whoami">${user.email}</dd>
      <dt>Roles</dt>
      <dd data-testid="roles">${user.roles.join(', ')}</dd>
    </dl>
    <div class="actions">
      <a href="/account/sessions">Your sessions and devices</a>
      <form class="inline" method="post" action="/logout">
        ${csrfField(csrfToken)}
        <button type="submit" class="secondary" data-testid="logout">Sign out</button>
      </form>
    </div>
  </section>`;
}
