import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, which .ci/run does); never a downloaded one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  browser: Browser;
  /** A new context (its own cookies: one browser profile, as a second device would be). */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * A headless Chromium. Playwright starts it on a fresh temporary profile (its user-data-dir),
 * removed at close, so no state carries over from one run to the next.
 */
export async function launchChromium(): Promise<Chromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    timeout: 30_000,
  });
  return {
    browser,
    newContext: () => browser.newContext({ viewport: { width: 1200, height: 900 } }),
    close: () => browser.close(),
  };
}
