import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../test-artifacts/screenshots', import.meta.url),
);

/** How long a DOM condition may take: the machine is shared and slow at times. */
export const UI_TIMEOUT_MS = 20_000;

/** Saves a screenshot as a test artifact: test-artifacts/screenshots/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page: a test ends by expecting none. */
  pageErrors: string[];
}

/** A fresh browser profile (its own localStorage) with a desktop-sized window. */
export async function openConsolePage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/** The queue row of one experiment. */
export function queueRow(page: Page, key: string) {
  return page.locator(`[data-testid="queue-row"][data-key="${key}"]`);
}
