import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionAvailability, ACTION_ORDER } from '../../renderer/src/experiment/action-rules';
import { rollbackAvailability } from '../../renderer/src/graph/rollback-availability';
import { fingerprint } from '../support/db-inspect';
import type { TestServer } from '../support/harness';
import { expectClientError } from '../support/http-calls';
import { launchChromium } from './support/chromium';
import { captureView, closeClean, graphNode, openSignedIn } from './support/console-page';
import { SEEDED, seedQueue, startConsoleServer } from './support/console-server';

// A viewer's token in Debian's Chromium: every action is there but disabled, each saying why
// (the same rules the console uses, renderer/src/experiment/action-rules.ts), and the server
// refuses a mutation sent past the console, changing nothing.

let browser: Browser;
let server: TestServer;
/** A viewer created the way an admin would: through the server's auth API. */
let viewerToken: string;
const VIEWER = { name: 'vera', role: 'viewer' } as const;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startConsoleServer()]);
  await seedQueue(server);
  const created = await server.client(server.tokens.admin).auth.createToken.mutate(VIEWER);
  expect(created).toMatchObject({ user: VIEWER.name, role: 'viewer' });
  viewerToken = created.token;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The text a disabled control points at with aria-describedby (what a screen reader reads too). */
async function description(control: Locator): Promise<string> {
  const id = await control.getAttribute('aria-describedby');
  expect(id, 'a disabled control says why').toBeTruthy();
  const hint = control.page().locator(`[id="${id}"]`);
  expect(await hint.isVisible(), 'the reason is on screen').toBe(true);
  return (await hint.textContent()) ?? '';
}

describe('a viewer in the console', () => {
  it('sees every action on the experiment view disabled, each with the reason', async () => {
    const tab = await openSignedIn(browser, server.url, viewerToken);
    const { page } = tab;
    const user = page.getByTestId('current-user');
    expect(await user.textContent()).toContain(VIEWER.name);
    expect(await user.textContent()).toContain('viewer');

    for (const key of [SEEDED.running[0], SEEDED.pendingApproval]) {
      await page.goto(`${server.url}/experiments/${key}`);
      const actions = page.getByRole('region', { name: 'Actions' });
      await actions.getByRole('button').first().waitFor();
      const detail = await server.client(viewerToken).experiments.get.query({ key });
      const expected = actionAvailability(detail, VIEWER);
      const buttons = actions.getByRole('button');
      expect(await buttons.count(), key).toBe(ACTION_ORDER.length);
      for (const action of expected) {
        const button = actions.locator(`button[data-action="${action.kind}"]`);
        expect(await button.textContent(), key).toBe(action.label);
        expect(await button.isDisabled(), `${key}: ${action.kind}`).toBe(true);
        expect(action.why).toMatch(/you are signed in as viewer\.$/);
        expect(await description(button), `${key}: ${action.kind}`).toBe(action.why);
      }
      // Clicking a disabled action opens nothing.
      await actions.locator('button[data-action="pause"]').click({ force: true });
      expect(await page.getByRole('dialog').count()).toBe(0);
    }
    await captureView(page, 'experiment-view-viewer');
    await closeClean(tab);
  });

  it('sees the graph’s rollback disabled, with the reason', async () => {
    const tab = await openSignedIn(browser, server.url, viewerToken, '/graph');
    const { page } = tab;
    const key = SEEDED.running[0];
    await page.locator('[data-testid="graph-canvas"][aria-busy="false"]').waitFor();
    await graphNode(page, key).click();
    const details = page.getByRole('complementary', { name: `Details of ${key}` });
    const rollback = details.getByRole('button', { name: 'Roll back…' });
    await rollback.waitFor();
    expect(await rollback.isDisabled()).toBe(true);
    const expected = rollbackAvailability({ state: 'running' }, VIEWER);
    expect(expected.allowed).toBe(false);
    expect(await description(rollback)).toBe(
      'Rolling back needs the operator role or above; your token is a viewer.',
    );
    await rollback.click({ force: true });
    expect(await page.getByRole('dialog').count()).toBe(0);
    await captureView(page, 'graph-view-viewer');
    await closeClean(tab);
  });

  it('is refused by the server when it sends a mutation past the console, and nothing changes', async () => {
    const key = SEEDED.running[0];
    const before = fingerprint(server.dbPath);
    const { version } = await server.client(viewerToken).experiments.get.query({ key });

    // From the signed-in page itself, with the console's token: what a user could type in the
    // browser's DevTools.
    const tab = await openSignedIn(browser, server.url, viewerToken);
    const reply = await tab.page.evaluate(
      async ([experiment, expectedVersion, token]) => {
        const response = await fetch('/trpc/experiments.rollback', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ key: experiment, expectedVersion, reason: 'viewer tries' }),
        });
        return { status: response.status, body: await response.json() };
      },
      [key, version, viewerToken] as const,
    );
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      error: { data: { runway: { code: 'FORBIDDEN' } } },
    });
    expect(JSON.stringify(reply.body)).toContain('operator');
    await closeClean(tab);

    // And through the typed client, for each mutation the console offers.
    const viewer = server.client(viewerToken);
    const pendingVersion = (await viewer.experiments.get.query({ key: SEEDED.pendingApproval }))
      .version;
    const attempts: Array<[string, () => Promise<unknown>]> = [
      [
        'pause',
        () =>
          viewer.experiments.pause.mutate({
            key,
            expectedVersion: version,
            reason: 'viewer tries',
          }),
      ],
      ['advance', () => viewer.experiments.advance.mutate({ key, expectedVersion: version })],
      [
        'abort',
        () =>
          viewer.experiments.abort.mutate({
            key,
            expectedVersion: version,
            reason: 'viewer tries',
          }),
      ],
      [
        'approve',
        () =>
          viewer.experiments.approve.mutate({
            key: SEEDED.pendingApproval,
            expectedVersion: pendingVersion,
            reason: 'viewer tries',
          }),
      ],
    ];
    for (const [name, attempt] of attempts) {
      expect(await expectClientError(attempt()), name).toMatchObject({
        code: 'FORBIDDEN',
        httpStatus: 403,
      });
    }
    expect(fingerprint(server.dbPath)).toEqual(before);
    expect(await viewer.experiments.get.query({ key })).toMatchObject({
      state: 'running',
      version,
    });
  });
});
