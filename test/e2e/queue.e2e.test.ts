import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/harness';
import { launchChromium } from './support/chromium';
import {
  captureView,
  closeClean,
  openConsolePage,
  openSignedIn as openTab,
  queueRow,
  saveScreenshot,
  type ConsolePage,
} from './support/console-page';
import { SEEDED, seedQueue, startConsoleServer } from './support/console-server';

// The console in Debian's Chromium against the real server and a seeded database: sign-in by
// link, the queue and its blocked reasons, live updates, keyboard, sign-in form, lost connection.

/** Page-side expressions are strings: the test project has no DOM types. */
const STORED_TOKEN = "localStorage.getItem('runway.token')";

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startConsoleServer()]);
  await seedQueue(server);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the console the way `npm start` hands it over: the token in the URL fragment. */
function openSignedIn(token: string, path = '/'): Promise<ConsolePage> {
  return openTab(browser, server.url, token, path);
}

describe('the console in a browser', () => {
  it('signs in from the link, clears the token from the address bar, and shows a viewer as viewer', async () => {
    const tab = await openSignedIn(server.tokens.vic);
    const { page } = tab;
    await page.waitForFunction("!window.location.hash.includes('token')");
    expect(page.url()).toBe(`${server.url}/`);
    expect(page.url()).not.toContain(server.tokens.vic);
    const user = page.getByTestId('current-user');
    await expect.poll(() => user.textContent()).toContain('vic');
    expect(await user.textContent()).toContain('viewer');
    // Kept for the next visit, so a reload needs no token in the URL.
    expect(await page.evaluate(STORED_TOKEN)).toBe(server.tokens.vic);
    await closeClean(tab);
  });

  it('lists every experiment, and shows why the blocked ones wait in the server’s own words', async () => {
    const tab = await openSignedIn(server.tokens.vic);
    const { page } = tab;
    await queueRow(page, SEEDED.blockedByLayer).waitFor();
    const shownKeys = await page
      .getByTestId('queue-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));
    expect([...shownKeys].sort()).toEqual(
      [
        ...SEEDED.running,
        SEEDED.blockedByPrerequisite,
        SEEDED.blockedByLayer,
        SEEDED.pendingApproval,
      ].sort(),
    );
    for (const key of SEEDED.running)
      expect(await queueRow(page, key).getAttribute('data-state'), key).toBe('running');

    const vic = server.client(server.tokens.vic);
    for (const [key, expected] of [
      [SEEDED.blockedByPrerequisite, 'requires payments-api-v3 (running, stage 1/3)'],
      [SEEDED.blockedByLayer, 'layer search has 40% free, needs 50%'],
    ] as const) {
      const reasons = queueRow(page, key).getByTestId('blocked-reasons');
      expect(await reasons.locator('li').allTextContents(), key).toEqual(
        (await vic.experiments.get.query({ key })).blockedReasons.map((reason) => reason.message),
      );
      expect(await reasons.textContent(), key).toContain(expected);
    }
    const row = queueRow(page, SEEDED.blockedByPrerequisite);
    expect(await row.textContent()).toContain('New checkout flow');
    expect(await row.textContent()).toContain('alice@example.com');
    expect(await queueRow(page, 'search-ranking').textContent()).toContain('60%');
    await captureView(page, 'queue-view');
    await closeClean(tab);
  });

  it('shows a change made elsewhere without a reload: a pause, and the reasons it moves', async () => {
    const tab = await openSignedIn(server.tokens.vic);
    const { page } = tab;
    await queueRow(page, 'payments-api-v3').waitFor();
    // A marker on the window: it survives only as long as the page is not reloaded.
    await page.evaluate('window.sameDocument = true');

    const alice = server.client(server.tokens.alice);
    const { version } = await alice.experiments.get.query({ key: 'payments-api-v3' });
    await alice.experiments.pause.mutate({
      key: 'payments-api-v3',
      expectedVersion: version,
      reason: 'error rate above budget in eu-west',
    });

    await page
      .locator('[data-testid="queue-row"][data-key="payments-api-v3"][data-state="paused"]')
      .waitFor();
    await queueRow(page, SEEDED.blockedByPrerequisite)
      .getByText('requires payments-api-v3 (paused, stage 1/3)')
      .waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await saveScreenshot(page, 'queue-live-update');

    const paused = await alice.experiments.get.query({ key: 'payments-api-v3' });
    await alice.experiments.resume.mutate({
      key: 'payments-api-v3',
      expectedVersion: paused.version,
    });
    await page
      .locator('[data-testid="queue-row"][data-key="payments-api-v3"][data-state="running"]')
      .waitFor();
    await closeClean(tab);
  });

  it('opens an experiment from the keyboard, and a reload on a console route lands on it again', async () => {
    const tab = await openSignedIn(server.tokens.vic);
    const { page } = tab;
    await queueRow(page, SEEDED.blockedByPrerequisite).waitFor();
    await page.keyboard.press('/');
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('type')"))
      .toBe('search');
    await page.keyboard.type('checkout');
    await expect.poll(() => page.getByTestId('queue-row').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await queueRow(page, SEEDED.blockedByPrerequisite)
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/experiments/${SEEDED.blockedByPrerequisite}`);

    // The server answers the console's routes with the console; the token is remembered.
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/experiments/${SEEDED.blockedByPrerequisite}`);
    await page.goBack();
    await queueRow(page, SEEDED.blockedByPrerequisite).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await closeClean(tab);
  });

  it('asks for a token when the server refuses the one it was given, and signs in with a pasted one', async () => {
    const tab = await openConsolePage(browser);
    const { page } = tab;
    await page.goto(`${server.url}/queue#token=rwy_revoked_or_made_up`);
    await page.getByRole('alert').getByText('did not accept your token').waitFor();
    expect(page.url()).toBe(`${server.url}/queue`);
    expect(await page.evaluate(STORED_TOKEN)).toBeNull();
    await saveScreenshot(page, 'sign-in');

    await page.getByLabel('API token').fill(server.tokens.bob);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const user = page.getByTestId('current-user');
    await user.waitFor();
    expect(await user.textContent()).toContain('bob');
    expect(await user.textContent()).toContain('release-manager');
    await queueRow(page, SEEDED.blockedByLayer).waitFor();
    await closeClean(tab);
  });

  it('says when the connection is lost, and recovers by itself with the changes it missed', async () => {
    const tab = await openSignedIn(server.tokens.vic);
    const { page } = tab;
    await queueRow(page, 'cart-redesign').waitFor();
    expect(await page.getByTestId('connection-banner').count()).toBe(0);

    // The server becomes unreachable: open connections drop and new ones fail.
    await page.route('**/trpc/**', (route) => route.abort('connectionrefused'));
    server.server.closeAllConnections();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Connection lost — reconnecting…');
    await saveScreenshot(page, 'connection-lost');

    // Something changes while the console cannot see it.
    const alice = server.client(server.tokens.alice);
    const { version } = await alice.experiments.get.query({ key: 'cart-redesign' });
    await alice.experiments.pause.mutate({
      key: 'cart-redesign',
      expectedVersion: version,
      reason: 'cart errors while the console was away',
    });

    await page.unroute('**/trpc/**');
    await banner.waitFor({ state: 'detached', timeout: 45_000 });
    await page
      .locator('[data-testid="queue-row"][data-key="cart-redesign"][data-state="paused"]')
      .waitFor();

    // And the live stream is back, not just the calls.
    const paused = await alice.experiments.get.query({ key: 'cart-redesign' });
    await alice.experiments.resume.mutate({
      key: 'cart-redesign',
      expectedVersion: paused.version,
    });
    await page
      .locator('[data-testid="queue-row"][data-key="cart-redesign"][data-state="running"]')
      .waitFor();
    await closeClean(tab);
  }, 90_000);
});
