import type { SessionInfo } from 'nest-session-kit';
import { html, type Html } from '../html';
import { csrfField } from './forms';

export interface SessionsView {
  sessions: SessionInfo[];
  csrfToken: string;
  /** Whether the login is recent enough to revoke the others without the password. */
  freshLogin: boolean;
}

export function sessionsView({ sessions, csrfToken, freshLogin }: SessionsView): Html {
  const others = sessions.filter((session) => !session.current).length;
  return html`<section class="card">
    <h1>Your sessions</h1>
    <p class="muted">
      Every browser and device signed in to your account. Revoke one you do not recognise: it is
      signed out at once.
    </p>
    <table>
      <caption class="muted">
        ${sessions.length} active ${sessions.length === 1 ? 'session' : 'sessions'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">IP address</th>
          <th scope="col">Last activity</th>
          <th scope="col">Signed in</th>
          <th scope="col"><span class="muted">Action</span></th>
        </tr>
      </thead>
      <tbody>
        ${sessions.map((session) => sessionRow(session, csrfToken))}
      </tbody>
    </table>
    <h2>Sign out everywhere else</h2>
    <form class="row" method="post" action="/account/sessions/revoke-others">
      ${csrfField(csrfToken)}
      ${
        !freshLogin &&
        html`<label
          >Confirm your password
          <input type="password" name="password" autocomplete="current-password" required />
        </label>`
      }
      <button
        type="submit"
        class="danger"
        data-testid="revoke-others"
        ${others === 0 ? 'disabled' : ''}
      >
        Revoke all other sessions
      </button>
    </form>
  </section>`;
}

function sessionRow(session: SessionInfo, csrfToken: string): Html {
  return html`<tr data-testid="session-row" data-current="${String(session.current)}">
    <td class="ua">
      ${session.userAgent ?? 'Unknown device'}
      ${session.current && html` <span class="badge">This browser</span>`}
    </td>
    <td>${session.ip ?? 'unknown'}</td>
    <td>${timestamp(session.lastActivityAt)}</td>
    <td>${timestamp(session.createdAt)}</td>
    <td>
      ${
        !session.current &&
        html`<form
          class="inline"
          method="post"
          action="/account/sessions/${encodeURIComponent(session.id)}/revoke"
        >
          ${csrfField(csrfToken)}
          <button type="submit" class="danger" data-testid="revoke">Revoke</button>
        </form>`
      }
    </td>
  </tr>`;
}

function timestamp(epochMs: number | undefined): Html {
  if (!epochMs) return html`<span class="muted">unknown</span>`;
  const iso = new Date(epochMs).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
