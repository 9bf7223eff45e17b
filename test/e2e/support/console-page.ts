import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

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

/**
 * True once the view in `main` has loaded what it shows: something to read is there, nothing
 * is marked busy, and no "Loading…"-style placeholder is left (the console says what it is
 * waiting for in words, so the words are the condition). A string: the test project has no DOM
 * types, and tsx would wrap a function in helpers the page lacks.
 */
const VIEW_SETTLED = `(() => {
  const main = document.querySelector('main');
  if (!main || !main.querySelector('h1, h2, table, [data-testid="graph-canvas"]')) return false;
  if (main.querySelector('[aria-busy="true"]')) return false;
  return !/(^|\\n)\\s*(Loading|Laying out|Placing experiments|Working out|Signing in)/.test(main.innerText);
})()`;

/** What the view still shows while it has not settled, for the failure message. */
const VIEW_STATE = `(() => {
  const main = document.querySelector('main');
  if (!main) return 'no <main> in the page: ' + document.body.innerText.slice(0, 300);
  const busy = [...main.querySelectorAll('[aria-busy="true"]')].map((element) => element.className);
  return 'busy: [' + busy.join(', ') + ']; text: ' + main.innerText.slice(0, 600);
})()`;

/** Waits until the current view has settled (see VIEW_SETTLED); says what it shows if it never does. */
export async function waitForViewSettled(page: Page): Promise<void> {
  // Polled from here with page.evaluate: page.waitForFunction polls a string predicate with
  // eval inside the page, which the console's Content-Security-Policy refuses whenever the
  // first check is not already true.
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let problem: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await page.evaluate(VIEW_SETTLED)) return;
      problem = null;
    } catch (error) {
      // A navigation in between destroys the context the check ran in: check again.
      problem = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const shown = await page.evaluate(VIEW_STATE).catch(() => 'unknown');
  throw new Error(
    `the view at ${page.url()} did not finish loading within ${UI_TIMEOUT_MS} ms${problem ? ` (${String(problem)})` : ''}; it shows ${String(shown)}`,
  );
}

/**
 * The one place views are captured: waits for the view to settle, then saves
 * test-artifacts/screenshots/NAME.png (e.g. `queue-view`, `graph-view`, `experiment-view`).
 */
export async function captureView(page: Page, name: string): Promise<string> {
  await waitForViewSettled(page);
  return saveScreenshot(page, name);
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

/**
 * Opens the console the way `npm start` hands it over: the token in the URL fragment. Resolves
 * once the console has signed in (the user is shown in the navigation bar).
 */
export async function openSignedIn(
  browser: Browser,
  serverUrl: string,
  token: string,
  path = '/',
): Promise<ConsolePage> {
  const tab = await openConsolePage(browser);
  await tab.page.goto(`${serverUrl}${path}#token=${token}`);
  await tab.page.getByTestId('current-user').waitFor();
  return tab;
}

/** Ends a test's tab: no uncaught error happened in the page. */
export async function closeClean(tab: ConsolePage): Promise<void> {
  expect(tab.pageErrors).toEqual([]);
  await tab.context.close();
}

/** The queue row of one experiment. */
export function queueRow(page: Page, key: string): Locator {
  return page.locator(`[data-testid="queue-row"][data-key="${key}"]`);
}

/** An experiment's node in the dependency graph (React Flow's wrapper, which carries the highlight classes). */
export function graphNode(page: Page, key: string): Locator {
  return page.locator(`.react-flow__node[data-id="${key}"]`);
}

/** Navigates inside the console with its navigation bar (no reload). */
export async function navigateTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: label }).click();
}
