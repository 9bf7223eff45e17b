import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { windowStart } from '../../server/src/telemetry/rollup';
import type { TestServer } from '../support/harness';
import { postMetrics, requestMetrics } from '../support/otlp';
import { launchChromium } from './support/chromium';
import { captureView, closeClean, openSignedIn, queueRow } from './support/console-page';
import {
  CASCADE,
  GUARDED,
  SEEDED,
  seedCascade,
  seedGuarded,
  seedQueue,
  startConsoleServer,
} from './support/console-server';

// A screenshot of each of the console's main views, from a seeded server, saved as test
// artifacts (test-artifacts/screenshots/view-*.png) for people to look at: the queue, the
// dependency graph, an experiment with a live chart, and the overview, audit log and plan.
// Each view must load (nothing left saying "Loading…") without an error in the page.

const WINDOW_MS = 10_000;
const TELEMETRY_WINDOWS = 8;

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  // Behind real time by more than the telemetry below spans, so "time in state" reads naturally.
  const clock = new ManualClock(windowStart(Date.now() - 5 * 60_000, WINDOW_MS) + 2_000);
  [browser, server] = await Promise.all([launchChromium(), startConsoleServer({ clock })]);
  await seedQueue(server);
  await seedCascade(server);
  await seedGuarded(server);
  // A few windows of telemetry, so the experiment view has a chart to show.
  for (let window = 1; window <= TELEMETRY_WINDOWS; window++) {
    clock.advance(WINDOW_MS);
    const treatment = { requests: 900 + 40 * window, errors: 9 + (window % 3) };
    const control = { requests: 900 + 40 * window, errors: 8 };
    const sent = await postMetrics(
      server.url,
      server.tokens.alice,
      GUARDED.service,
      requestMetrics(GUARDED.key, { treatment, control }, clock.now()),
    );
    expect(sent.status).toBe(200);
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface MainView {
  name: string;
  path: string;
  /** What shows that the view has its data (beyond the generic settle of captureView). */
  loaded?(page: Page): Promise<void>;
}

const VIEWS: readonly MainView[] = [
  {
    name: 'queue',
    path: '/queue',
    loaded: (page) => queueRow(page, SEEDED.blockedByLayer).waitFor(),
  },
  {
    name: 'graph',
    path: '/graph',
    loaded: async (page) => {
      await page.locator('[data-testid="graph-canvas"][aria-busy="false"]').waitFor();
      await page.locator(`.react-flow__node[data-id="${CASCADE.target}"]`).waitFor();
    },
  },
  {
    name: 'experiment',
    path: `/experiments/${GUARDED.key}`,
    loaded: (page) =>
      page
        .locator(
          `[data-testid="sli-chart"][data-sli="${GUARDED.sli}"][data-points="${TELEMETRY_WINDOWS + 1}"]`,
        )
        .waitFor(),
  },
  { name: 'overview', path: '/overview' },
  {
    name: 'audit',
    path: '/audit',
    loaded: (page) => page.getByTestId('audit-table').getByTestId('audit-row').first().waitFor(),
  },
  { name: 'plan', path: '/plan' },
];

describe('screenshots of the console’s main views', () => {
  for (const view of VIEWS) {
    it(`captures the ${view.name} view`, async () => {
      const tab = await openSignedIn(browser, server.url, server.tokens.bob, view.path);
      const { page } = tab;
      await view.loaded?.(page);
      const path = await captureView(page, `view-${view.name}`);
      expect(path).toMatch(new RegExp(`view-${view.name}\\.png$`));
      // Still on the route asked for (no redirect to sign-in or a "nothing here" page).
      expect(new URL(page.url()).pathname).toBe(view.path);
      expect(await page.getByRole('heading', { name: 'Nothing here' }).count()).toBe(0);
      await closeClean(tab);
    });
  }
});
