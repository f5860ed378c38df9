import { html, type Html } from '../html';
import { csrfField } from './forms';

export interface LoginView {
  csrfToken: string;
  email?: string;
  error?: string;
}

export function loginView({ csrfToken, email, error }: LoginView): Html {
  return html`<section class="card narrow">
    <h1>Sign in</h1>
    ${error && html`<p class="error" role="alert" data-testid="error">${error}</p>`}
    <form class="stacked" method="post" action="/login" data-testid="login-form">
      ${csrfField(csrfToken)}
      <label
        >Email
        <input type="email" name="email" autocomplete="username" required value="${email ?? ''}" />
      </label>
      <label
        >Password
        <input type="password" name="password" autocomplete="current-password" required />
      </label>
      <button type="submit" data-testid="login-submit">Sign in</button>
    </form>
    <p class="muted">
      Demo users: user@example.com / user-password-1, admin@example.com / admin-password-1,
      mfa@example.com / mfa-password-1 (with a TOTP code).
    </p>
  </section>`;
}

export function mfaView({ csrfToken, error }: LoginView): Html {
  return html`<section class="card narrow">
    <h1>Two-step verification</h1>
    <p>Enter the six-digit code from your authenticator app.</p>
    ${error && html`<p class="error" role="alert" data-testid="error">${error}</p>`}
    <form class="stacked" method="post" action="/login/mfa" data-testid="mfa-form">
      ${csrfField(csrfToken)}
      <label
        >Code
        <input
          type="text"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength="6"
          required
        />
      </label>
      <button type="submit" data-testid="mfa-submit">Verify</button>
    </form>
  </section>`;
}
