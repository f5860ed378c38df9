import { jest } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';
import { DURATION_BUCKETS, type SessionStats } from 'nest-session-kit';
import { PASSWORDS, STORES, signIn } from '../support/app-factory';
import { BrowserSteps } from './support/artifacts';
import { startBrowserApp, type BrowserApp } from './support/browser-app';
import { launchChromium, type Chromium } from './support/chromium';

const totp = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP'), digits: 6, period: 30 });
/** Short, so that a test can wait until a login is no longer fresh. */
const FRESH_MS = 4_000;

jest.setTimeout(60_000);

/** The text of each element, without the markup's surrounding white space. */
async function textsOf(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
}

describe.each(STORES)('the pages in Chromium on the %s', (storeName, storeEnv) => {
  const steps = new BrowserSteps(`pages ${storeName}`);
  let chromium: Chromium;
  let app: BrowserApp;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startBrowserApp({ ...storeEnv(), SESSION_FRESH_MS: String(FRESH_MS) });
    chromium = await launchChromium();
    steps.log(`app at ${app.origin}`);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  /** A browser profile of its own; pages run without JavaScript unless a test needs it. */
  async function newContext(javaScriptEnabled = false): Promise<BrowserContext> {
    const context = await chromium.browser.newContext({
      baseURL: app.origin,
      javaScriptEnabled,
      viewport: { width: 1200, height: 900 },
    });
    contexts.push(context);
    return context;
  }

  /**
   * Clicks a form's submit button and waits for the page it lands on: the navigation answer
   * for `landsOn` (after the 303 of a redirect, or the form's own answer) and its load event.
   */
  async function submit(page: Page, button: Locator, landsOn: string): Promise<Response> {
    const [response] = await Promise.all([
      page.waitForResponse(
        (res) =>
          res.request().isNavigationRequest() &&
          (res.status() < 300 || res.status() >= 400) &&
          new URL(res.url()).pathname === landsOn,
      ),
      page.waitForEvent('load'),
      button.click(),
    ]);
    return response;
  }

  async function signInThroughForm(page: Page, email: string, shot?: string): Promise<void> {
    await steps.step(`open /login as ${email}`, () => page.goto('/login'));
    await page.getByTestId('login-form').locator('input[name=email]').fill(email);
    await page.getByTestId('login-form').locator('input[name=password]').fill(PASSWORDS[email]);
    if (shot) await steps.screenshot(page, shot);
    const landsOn = email === 'mfa@example.com' ? '/login/mfa' : '/account';
    await steps.step(`submit the login form as ${email}`, () =>
      submit(page, page.getByTestId('login-submit'), landsOn),
    );
  }

  it('shows the anonymous home page with a link to sign in, and sends /account to /login', async () => {
    const page = await (await newContext()).newPage();
    await steps.step('open / without a session', () => page.goto('/'));
    await expect(
      page.getByRole('link', { name: 'Sign in' }).first().getAttribute('href'),
    ).resolves.toBe('/login');
    expect(await page.getByTestId('whoami').count()).toBe(0);
    await steps.screenshot(page, 'home anonymous');
    await steps.step('open /account without a session', () => page.goto('/account'));
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('signs in, lands on the account page, and keeps the session cookie from document.cookie', async () => {
    const context = await newContext(true);
    const page = await context.newPage();
    await signInThroughForm(page, 'user@example.com', 'login');
    expect(new URL(page.url()).pathname).toBe('/account');
    await expect(page.getByTestId('whoami').textContent()).resolves.toBe('user@example.com');
    await expect(page.getByTestId('roles').textContent()).resolves.toBe('user');
    await steps.screenshot(page, 'account');

    const cookies = await context.cookies();
    const sid = cookies.find((cookie) => cookie.name === 'sid');
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const visible = await steps.step('read document.cookie in the page', () =>
      page.evaluate(() => document.cookie),
    );
    expect(visible).not.toContain('sid=');
    expect(visible).not.toContain(sid!.value);

    await steps.step('open / signed in', () => page.goto('/'));
    await expect(page.getByTestId('whoami').textContent()).resolves.toBe('user@example.com');
    await steps.screenshot(page, 'home signed in');
  });

  it('shows a wrong password as an error on the login form', async () => {
    const page = await (await newContext()).newPage();
    await steps.step('open /login', () => page.goto('/login'));
    await page.locator('input[name=email]').fill('user@example.com');
    await page.locator('input[name=password]').fill('not-the-password');
    const response = await steps.step('submit a wrong password', () =>
      submit(page, page.getByTestId('login-submit'), '/login'),
    );
    expect(response.status()).toBe(401);
    await expect(page.getByTestId('error').textContent()).resolves.toContain(
      'Wrong email or password',
    );
    await expect(page.locator('input[name=email]').inputValue()).resolves.toBe('user@example.com');
    await steps.screenshot(page, 'login error');
  });

  it('asks MFA users for their code, refuses a wrong one, then signs them in', async () => {
    const page = await (await newContext()).newPage();
    await signInThroughForm(page, 'mfa@example.com');
    expect(new URL(page.url()).pathname).toBe('/login/mfa');
    expect(await page.getByTestId('mfa-form').isVisible()).toBe(true);
    await steps.screenshot(page, 'mfa step');
    const wrong = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    await page.getByTestId('mfa-form').locator('input[name=code]').fill(wrong);
    const refused = await steps.step('submit a wrong code', () =>
      submit(page, page.getByTestId('mfa-submit'), '/login/mfa'),
    );
    expect(refused.status()).toBe(401);
    await expect(page.getByTestId('error').textContent()).resolves.toContain('not valid');
    await steps.screenshot(page, 'mfa wrong code');
    await page.getByTestId('mfa-form').locator('input[name=code]').fill(totp.generate());
    await steps.step('submit the current TOTP code', () =>
      submit(page, page.getByTestId('mfa-submit'), '/account'),
    );
    await expect(page.getByTestId('whoami').textContent()).resolves.toBe('mfa@example.com');
  });

  it('shows a flash message once, after the redirect that follows a form post', async () => {
    const page = await (await newContext()).newPage();
    await signInThroughForm(page, 'alice@example.com');
    expect(await textsOf(page.getByTestId('flash'))).toEqual(['Signed in as alice@example.com.']);
    await steps.step('reload the account page', () => page.reload());
    expect(await page.getByTestId('flash').count()).toBe(0);
    await steps.step('open the shop', () => page.goto('/shop'));
    await steps.step('add the keyboard to the cart', () =>
      submit(page, page.locator('[data-testid=add-to-cart][data-product-id=keyboard]'), '/shop'),
    );
    expect(await textsOf(page.getByTestId('flash'))).toEqual([
      'Added Mechanical keyboard to your cart.',
    ]);
    await steps.screenshot(page, 'shop with flash');
    await steps.step('open the home page', () => page.goto('/'));
    expect(await page.getByTestId('flash').count()).toBe(0);
    await expect(page.getByTestId('whoami').textContent()).resolves.toBe('alice@example.com');
  });

  it('adds different products from two tabs of one browser at once: both are in the cart', async () => {
    const context = await newContext();
    const first = await context.newPage();
    await signInThroughForm(first, 'bob@example.com');
    const second = await context.newPage();
    await steps.step('open the shop in two tabs', () =>
      Promise.all([first.goto('/shop'), second.goto('/shop')]),
    );
    expect(await first.getByTestId('cart-count').textContent()).toBe('0');
    await steps.step('click "add to cart" in both tabs at once (monitor, webcam)', () =>
      Promise.all([
        submit(first, first.locator('[data-testid=add-to-cart][data-product-id=monitor]'), '/shop'),
        submit(
          second,
          second.locator('[data-testid=add-to-cart][data-product-id=webcam]'),
          '/shop',
        ),
      ]),
    );
    await steps.step('reload the first tab', () => first.reload());
    expect(await first.getByTestId('cart-count').textContent()).toBe('2');
    const lines = await first
      .getByTestId('cart-line')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-product-id')));
    expect(lines.sort()).toEqual(['monitor', 'webcam']);
    const cart = await context.request.get('/cart');
    expect(((await cart.json()) as { count: number }).count).toBe(2);
    await steps.screenshot(first, 'shop with two products');
  });

  it('revokes another browser from "your sessions": that browser goes to /login on its next page', async () => {
    const mine = await (await newContext()).newPage();
    const other = await (await newContext()).newPage();
    await signInThroughForm(mine, 'moderator@example.com');
    await signInThroughForm(other, 'moderator@example.com');
    await steps.step('open your sessions', () => mine.goto('/account/sessions'));
    const rows = mine.getByTestId('session-row');
    expect(await rows.count()).toBe(2);
    expect(await mine.locator('[data-testid=session-row][data-current=true]').count()).toBe(1);
    const otherRow = mine.locator('[data-testid=session-row][data-current=false]');
    await expect(otherRow.textContent()).resolves.toContain('127.0.0.1');
    await expect(otherRow.textContent()).resolves.toContain('HeadlessChrome');
    expect(await otherRow.locator('time').count()).toBeGreaterThan(0);
    expect(await mine.locator('[data-current=true] [data-testid=revoke]').count()).toBe(0);
    await steps.screenshot(mine, 'your sessions');
    await steps.step('revoke the other session', () =>
      submit(mine, otherRow.getByTestId('revoke'), '/account/sessions'),
    );
    expect(await mine.getByTestId('session-row').count()).toBe(1);
    expect(await mine.getByTestId('flash').textContent()).toContain('signed out');
    await steps.step('the other browser opens its account page', () => other.goto('/account'));
    expect(new URL(other.url()).pathname).toBe('/login');
    expect(await other.getByTestId('login-form').isVisible()).toBe(true);
    await steps.step('this browser is still signed in', () => mine.goto('/account'));
    await expect(mine.getByTestId('whoami').textContent()).resolves.toBe('moderator@example.com');
  });

  it('asks for the password to revoke all other sessions once the login is not fresh', async () => {
    const mine = await (await newContext()).newPage();
    const others = [await (await newContext()).newPage(), await (await newContext()).newPage()];
    const beforeLogin = Date.now();
    await signInThroughForm(mine, 'superadmin@example.com');
    const afterLogin = Date.now();
    await steps.step('open your sessions while the login is fresh', () =>
      mine.goto('/account/sessions'),
    );
    // Rendered within FRESH_MS of the login: no password asked (checked when the machine kept up).
    if (Date.now() - beforeLogin < FRESH_MS) {
      expect(await mine.getByLabel('Confirm your password').count()).toBe(0);
    } else {
      steps.log('the sessions page came too late to check the fresh case');
    }
    for (const other of others) await signInThroughForm(other, 'superadmin@example.com');
    const wait = Math.max(0, afterLogin + FRESH_MS + 300 - Date.now());
    await steps.step(
      `wait ${wait} ms until the login is no longer fresh`,
      () => new Promise((resolve) => setTimeout(resolve, wait)),
    );
    await steps.step('reload your sessions', () => mine.goto('/account/sessions'));
    expect(await mine.getByTestId('session-row').count()).toBe(3);
    const password = mine.getByLabel('Confirm your password');
    expect(await password.isVisible()).toBe(true);
    await steps.screenshot(mine, 'your sessions asking for the password');

    await password.fill('a-wrong-password');
    await steps.step('revoke the others with a wrong password', () =>
      submit(mine, mine.getByTestId('revoke-others'), '/account/sessions'),
    );
    expect(await mine.getByTestId('flash').textContent()).toContain('not right');
    expect(await mine.getByTestId('session-row').count()).toBe(3);

    await mine.getByLabel('Confirm your password').fill(PASSWORDS['superadmin@example.com']);
    await steps.step('revoke the others with the password', () =>
      submit(mine, mine.getByTestId('revoke-others'), '/account/sessions'),
    );
    expect(await mine.getByTestId('session-row').count()).toBe(1);
    expect(await mine.getByLabel('Confirm your password').count()).toBe(0);
    for (const other of others) {
      await steps.step('a revoked browser opens its account page', () => other.goto('/account'));
      expect(new URL(other.url()).pathname).toBe('/login');
    }
  });

  it('draws both dashboard charts with the figures GET /admin/stats reports', async () => {
    for (const email of ['user@example.com', 'alice@example.com']) {
      const { agent, csrfToken } = await signIn(app, email);
      await agent.post('/auth/logout').set('x-csrf-token', csrfToken).expect(204);
    }
    const context = await newContext();
    const page = await context.newPage();
    await signInThroughForm(page, 'admin@example.com');
    await steps.step('open the admin dashboard', () => page.goto('/admin/dashboard'));
    const stats = (await (await context.request.get('/admin/stats?days=7')).json()) as SessionStats;
    const bars = (testId: string) =>
      page
        .getByTestId(testId)
        .locator('rect.bar')
        .evaluateAll((rects) =>
          rects.map((rect) => ({
            label: rect.getAttribute('data-label'),
            value: Number(rect.getAttribute('data-value')),
            height: Number(rect.getAttribute('height')),
          })),
        );
    const dau = await bars('chart-dau');
    expect(dau.map(({ label, value }) => ({ label, value }))).toEqual(
      stats.daily.map((day) => ({ label: day.date.slice(5), value: day.activeUsers })),
    );
    const durations = await bars('chart-durations');
    expect(durations.map(({ label, value }) => ({ label, value }))).toEqual(
      DURATION_BUCKETS.map((bucket) => ({
        label: bucket,
        value: stats.totals.sessionDurations[bucket],
      })),
    );
    for (const chart of [dau, durations]) {
      expect(Math.max(...chart.map((bar) => bar.value))).toBeGreaterThan(0);
      const tallest = chart.reduce((a, b) => (b.value > a.value ? b : a));
      expect(Math.max(...chart.map((bar) => bar.height))).toBe(tallest.height);
      expect(tallest.height).toBeGreaterThan(0);
    }
    expect(stats.daily.at(-1)!.activeUsers).toBeGreaterThanOrEqual(3);
    expect(Number(await page.getByTestId('active-now').textContent())).toBe(stats.activeSessions);
    await steps.screenshot(page, 'admin dashboard');
  });

  it('gives a plain user the 403 page for the dashboard', async () => {
    const page = await (await newContext()).newPage();
    await signInThroughForm(page, 'user@example.com');
    const response = await steps.step('open the admin dashboard as a plain user', () =>
      page.goto('/admin/dashboard'),
    );
    expect(response?.status()).toBe(403);
    expect(await page.getByTestId('forbidden').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Access denied');
    expect(await page.getByTestId('chart-dau').count()).toBe(0);
    await steps.screenshot(page, 'forbidden');
  });

  it('logs out to the login page, and the back button shows nothing private', async () => {
    const page = await (await newContext()).newPage();
    await signInThroughForm(page, 'alice@example.com');
    const account = await steps.step('reload the account page', () => page.reload());
    expect(account?.headers()['cache-control']).toBe('no-store');
    await steps.step('click log out', () => submit(page, page.getByTestId('logout'), '/login'));
    expect(await page.getByTestId('login-form').isVisible()).toBe(true);
    await steps.screenshot(page, 'after logout');
    await steps.step('press the back button', () => page.goBack());
    expect(await page.getByText('alice@example.com').count()).toBe(0);
    expect(await page.getByTestId('whoami').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/login');
    await steps.screenshot(page, 'back after logout');
  });
});
