import { jest } from '@jest/globals';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SessionRegistry } from 'nest-session-kit';
import { PASSWORDS, STORES } from '../support/app-factory';
import { BrowserSteps } from './support/artifacts';
import { startBrowserApp, type BrowserApp } from './support/browser-app';
import { launchChromium, type Chromium } from './support/chromium';
import { serveStaticPage, type StaticOrigin } from './support/static-origin';

const SPA_PAGE = path.join(process.cwd(), 'test/browser/fixtures/spa.html');
const EMAIL = 'user@example.com';

interface SpaResult {
  status?: number;
  body?: Record<string, unknown> & { csrfToken?: string; count?: number };
  error?: string;
  type?: string;
}

type Spa = {
  login(email: string, password: string): Promise<SpaResult>;
  refreshCsrfToken(): Promise<SpaResult>;
  me(): Promise<SpaResult>;
  cart(): Promise<SpaResult>;
  addToCart(productId: string, quantity: number, token?: string): Promise<SpaResult>;
  logout(token?: string): Promise<SpaResult>;
  noCorsPost(path: string, text: string): Promise<SpaResult>;
};

/** Calls one of the SPA page's API functions inside the page, so fetch runs from its origin. */
function spa<K extends keyof Spa>(page: Page, name: K, ...args: Parameters<Spa[K]>) {
  return page.evaluate(
    ([fn, fnArgs]) =>
      (window as unknown as { spa: Record<string, (...a: unknown[]) => Promise<SpaResult>> }).spa[
        fn
      ](...fnArgs),
    [name, args] as [string, unknown[]],
  );
}

jest.setTimeout(60_000);

describe.each(STORES)('an SPA on another origin, in Chromium, on the %s', (storeName, storeEnv) => {
  const steps = new BrowserSteps(`spa cors ${storeName}`);
  let chromium: Chromium;
  let allowed: StaticOrigin;
  let foreign: StaticOrigin;
  let app: BrowserApp;

  beforeAll(async () => {
    allowed = await serveStaticPage(SPA_PAGE);
    foreign = await serveStaticPage(SPA_PAGE);
    app = await startBrowserApp({ ...storeEnv(), ALLOWED_ORIGINS: allowed.origin });
    chromium = await launchChromium();
    steps.log(`app ${app.origin}, allowed SPA ${allowed.origin}, foreign SPA ${foreign.origin}`);
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    await allowed?.close();
    await foreign?.close();
  });

  const openSpa = async (page: Page, from: StaticOrigin) => {
    await page.goto(`${from.origin}/?api=${encodeURIComponent(app.origin)}`);
  };
  const sessionsOf = (userId: string) => app.app.get(SessionRegistry).listSessions(userId);

  it('signs in with credentials included, reads /auth/me and adds to the cart with the CSRF token; a foreign origin reads nothing and changes nothing', async () => {
    const context = await chromium.newContext();
    const page = await context.newPage();
    await steps.step('open the SPA on the allowed origin', () => openSpa(page, allowed));

    const login = await steps.step('POST /auth/login with credentials: include', () =>
      spa(page, 'login', EMAIL, PASSWORDS[EMAIL]),
    );
    expect(login.status).toBe(200);
    expect(login.body?.user).toMatchObject({ email: EMAIL });
    expect(typeof login.body?.csrfToken).toBe('string');
    const userId = (login.body?.user as { id: string }).id;

    const me = await steps.step('GET /auth/me with the session cookie', () => spa(page, 'me'));
    expect(me).toMatchObject({ status: 200, body: { user: { email: EMAIL } } });

    const added = await steps.step('POST /cart/items with x-csrf-token from the login', () =>
      spa(page, 'addToCart', 'mouse', 2),
    );
    expect(added).toMatchObject({ status: 201, body: { count: 2 } });
    const refreshed = await steps.step('GET /auth/csrf gives the same token', () =>
      spa(page, 'refreshCsrfToken'),
    );
    expect(refreshed.body?.csrfToken).toBe(login.body?.csrfToken);
    await steps.screenshot(page, 'allowed origin signed in');
    expect(await sessionsOf(userId)).toHaveLength(1);

    const stranger = await chromium.newContext();
    const foreignPage = await stranger.newPage();
    await steps.step('open the same SPA on an origin that is not allowed', () =>
      openSpa(foreignPage, foreign),
    );
    const foreignLogin = await steps.step('foreign origin: POST /auth/login is refused', () =>
      spa(foreignPage, 'login', EMAIL, PASSWORDS[EMAIL]),
    );
    expect(foreignLogin).toEqual({ error: 'TypeError' });
    expect(await sessionsOf(userId)).toHaveLength(1);
    await steps.screenshot(foreignPage, 'foreign origin refused');
    await stranger.close();

    // The same browser as the signed-in SPA: the session cookie rides along (same site), and
    // even a leaked CSRF token gets the foreign page nothing.
    const sameBrowser = await context.newPage();
    await steps.step('same browser, foreign origin page', () => openSpa(sameBrowser, foreign));
    const foreignMe = await steps.step('foreign origin: GET /auth/me cannot be read', () =>
      spa(sameBrowser, 'me'),
    );
    expect(foreignMe).toEqual({ error: 'TypeError' });
    const foreignCart = await steps.step('foreign origin: GET /cart cannot be read', () =>
      spa(sameBrowser, 'cart'),
    );
    expect(foreignCart).toEqual({ error: 'TypeError' });
    const foreignAdd = await steps.step(
      'foreign origin: POST /cart/items with the real token is stopped at the preflight',
      () => spa(sameBrowser, 'addToCart', 'keyboard', 1, login.body?.csrfToken),
    );
    expect(foreignAdd).toEqual({ error: 'TypeError' });
    // Simple requests need no preflight, so these do reach the server (which refuses them:
    // JSON only, and the Origin is not allowed); Cross-Origin-Resource-Policy: same-origin then
    // keeps even the opaque answer from the page.
    const simple = await steps.step(
      'foreign origin: simple no-cors POSTs are sent, but their answers are blocked',
      async () => [
        await spa(
          sameBrowser,
          'noCorsPost',
          '/cart/items',
          '{"productId":"keyboard","quantity":1}',
        ),
        await spa(sameBrowser, 'noCorsPost', '/auth/logout', ''),
      ],
    );
    expect(simple).toEqual([{ error: 'TypeError' }, { error: 'TypeError' }]);
    const foreignLogout = await steps.step('foreign origin: POST /auth/logout with the token', () =>
      spa(sameBrowser, 'logout', login.body?.csrfToken),
    );
    expect(foreignLogout).toEqual({ error: 'TypeError' });
    await steps.screenshot(sameBrowser, 'foreign origin in the signed-in browser');

    const after = await steps.step(
      'allowed origin: the session and the cart are unchanged',
      async () => ({
        me: await spa(page, 'me'),
        cart: await spa(page, 'cart'),
      }),
    );
    expect(after.me).toMatchObject({ status: 200, body: { user: { email: EMAIL } } });
    expect(after.cart).toMatchObject({ status: 200, body: { count: 2 } });
    expect((after.cart.body?.items as { productId: string }[]).map((i) => i.productId)).toEqual([
      'mouse',
    ]);
    expect(await sessionsOf(userId)).toHaveLength(1);

    const logout = await steps.step('allowed origin: POST /auth/logout with the token', () =>
      spa(page, 'logout'),
    );
    expect(logout.status).toBe(204);
    expect(await spa(page, 'me')).toMatchObject({ status: 401 });
    await steps.screenshot(page, 'allowed origin signed out');
    await context.close();
  });
});
