import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/harness';
import { launchChromium } from './support/chromium';
import { closeClean, navigateTo, openSignedIn, waitForViewSettled } from './support/console-page';
import { seedQueue, startConsoleServer } from './support/console-server';

// Views load their code on demand. A console left open across a Runway upgrade asks for code the
// server no longer has; it must say so and offer a reload, not go blank. Here the browser is
// made to fail the overview's code request, then let it through, in Debian's Chromium against
// the real server.

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

describe('a view whose code cannot be loaded', () => {
  it('says so with a reload, keeps the rest of the console working, and recovers on reload', async () => {
    const tab = await openSignedIn(browser, server.url, server.tokens.alice, '/queue');
    const { page } = tab;
    await waitForViewSettled(page);
    const overviewCode = /\/assets\/overview-view-[^/]+\.js$/;
    const refused: string[] = [];
    await page.route(overviewCode, (route) => {
      refused.push(route.request().url());
      return route.abort('connectionreset');
    });

    await navigateTo(page, 'Overview');
    const alert = page.getByRole('main').getByRole('alert');
    await alert.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'This view could not be shown',
    );
    expect(await alert.textContent()).toContain(
      'Its code could not be loaded from the Runway server. If Runway was updated since this console was opened, reloading gets the new version',
    );
    expect(refused.length).toBeGreaterThan(0);

    // The navigation and the other views still work.
    await navigateTo(page, 'Queue');
    await waitForViewSettled(page);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);

    await navigateTo(page, 'Overview');
    await page.getByRole('button', { name: 'Reload the console' }).waitFor();
    await page.unroute(overviewCode);
    await page.getByRole('button', { name: 'Reload the console' }).click();
    await page.getByText('Experiments by state').waitFor();
    await waitForViewSettled(page);
    expect(page.url()).toBe(`${server.url}/overview`);
    await closeClean(tab);
  });
});
