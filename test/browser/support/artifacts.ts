import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser tests leave their screenshots and step log (gitignored). */
export const ARTIFACTS_DIR = path.join(process.cwd(), 'test-artifacts', 'browser');
const STEP_LOG = path.join(ARTIFACTS_DIR, 'steps.log');

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A clear log of each browser step, on stderr as it happens and in test-artifacts/browser/
 * steps.log, and screenshots of the pages under test-artifacts/browser/<suite>/.
 */
export class BrowserSteps {
  private readonly dir: string;
  private shots = 0;

  constructor(private readonly suite: string) {
    this.dir = path.join(ARTIFACTS_DIR, slug(suite));
    mkdirSync(this.dir, { recursive: true });
  }

  /** Runs one step, logging its start, its end and how long it took, or how it failed. */
  async step<T>(what: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.log(`▶ ${what}`);
    try {
      const result = await run();
      this.log(`✓ ${what} (${Date.now() - started} ms)`);
      return result;
    } catch (error) {
      this.log(
        `✗ ${what} (${Date.now() - started} ms): ${(error as Error).message.split('\n')[0]}`,
      );
      throw error;
    }
  }

  /** A full-page screenshot, numbered in the order taken. */
  async screenshot(page: Page, name: string): Promise<string> {
    this.shots += 1;
    const file = path.join(this.dir, `${String(this.shots).padStart(2, '0')}-${slug(name)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.log(`  screenshot ${path.relative(process.cwd(), file)}`);
    return file;
  }

  log(line: string): void {
    const stamped = `[browser ${new Date().toISOString().slice(11, 23)}] ${this.suite} · ${line}\n`;
    process.stderr.write(stamped);
    appendFileSync(STEP_LOG, stamped);
  }
}
