import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { windowStart } from '../../server/src/telemetry/rollup';
import type { TestServer } from '../support/harness';
import { postMetrics, requestMetrics } from '../support/otlp';
import { launchChromium } from './support/chromium';
import { captureView, closeClean, openSignedIn, UI_TIMEOUT_MS } from './support/console-page';
import { GUARDED, seedGuarded, startConsoleServer } from './support/console-server';

// A running guarded experiment's SLI chart in Debian's Chromium, fed real OTLP/HTTP telemetry in
// steps while the page stays open: each step's point appears on the chart (in the drawn line, not
// only in the data) without a reload. The server's clock is driven, so each step is exactly one
// more rollup window and one more point.

const { key: KEY, service: SERVICE, sli: SLI } = GUARDED;
/** The server's rollup window: one chart point per window since the stage began. */
const WINDOW_MS = 10_000;
const STEPS = 4;

let browser: Browser;
let server: TestServer;
let clock: ManualClock;

beforeAll(async () => {
  // A few seconds into a window, so that a step of one window adds exactly one point.
  clock = new ManualClock(windowStart(Date.now(), WINDOW_MS) + 2_000);
  [browser, server] = await Promise.all([launchChromium(), startConsoleServer({ clock })]);
  await seedGuarded(server);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** One export from the service: this second's requests and errors for both arms. */
async function sendTelemetry(requests: number, errors: number): Promise<void> {
  const now = clock.now();
  const counts = { requests, errors };
  const sent = await postMetrics(
    server.url,
    server.tokens.alice,
    SERVICE,
    requestMetrics(KEY, { treatment: counts, control: counts }, now),
  );
  expect(sent).toEqual({ status: 200, body: {} });
}

/**
 * The treatment line as drawn: the number of vertices in its SVG path (Recharts draws a linear
 * line as "M x,y L x,y …"), 0 while it draws none.
 */
function drawnTreatmentPoints(chart: Locator): Promise<number> {
  return chart.evaluate((figure) => {
    const path = figure.querySelector('path.recharts-line-curve[stroke*="chart-treatment"]');
    const d = path?.getAttribute('d') ?? '';
    return (d.match(/[ML]/g) ?? []).length;
  });
}

/** What the chart exposes of its data: how many points it plots, and the latest point's samples. */
async function chartData(chart: Locator): Promise<{ points: number; samples: number }> {
  return {
    points: Number(await chart.getAttribute('data-points')),
    samples: Number(await chart.getAttribute('data-samples')),
  };
}

describe('a live SLI chart', () => {
  it('draws each new point of telemetry sent over OTLP/HTTP without a reload', async () => {
    const alice = server.client(server.tokens.alice);
    const serverPoints = async () => {
      const series = await alice.experiments.sliSeries.query({ key: KEY });
      return series.series.find((one) => one.sli === SLI)!.points;
    };
    // The stage's first window, then the page opens in the second one (see the report on
    // live-points: a page open during the first window keeps its partial points).
    clock.advance(1_000);
    await sendTelemetry(1_000, 10);
    let sentRequests = 1_000;
    clock.advance(WINDOW_MS);

    const tab = await openSignedIn(browser, server.url, server.tokens.alice, `/experiments/${KEY}`);
    const { page } = tab;
    const chart = page.locator(`[data-testid="sli-chart"][data-sli="${SLI}"]`);
    await chart.waitFor();
    const firstPoints = (await serverPoints()).length;
    expect(firstPoints).toBe(2);
    await expect
      .poll(() => chartData(chart), { timeout: UI_TIMEOUT_MS })
      .toEqual({ points: firstPoints, samples: sentRequests });
    // A marker on the window: it survives only as long as the page is not reloaded.
    await page.evaluate('window.sameDocument = true');

    for (let step = 1; step <= STEPS; step++) {
      clock.advance(WINDOW_MS);
      const requests = 1_000 + 250 * step;
      await sendTelemetry(requests, 5 * step);
      sentRequests += requests;

      // The server's series has one more point, holding what was just sent…
      const points = await serverPoints();
      expect(points.length, `step ${step}`).toBe(firstPoints + step);
      expect(points.at(-1)!.treatmentSamples, `step ${step}`).toBe(sentRequests);
      // …and the open page plots it, in its data and as a vertex of the drawn line.
      await expect
        .poll(() => chartData(chart), { timeout: UI_TIMEOUT_MS })
        .toEqual({ points: points.length, samples: sentRequests });
      await expect
        .poll(() => drawnTreatmentPoints(chart), { timeout: UI_TIMEOUT_MS })
        .toBe(points.length);
    }
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await chart.scrollIntoViewIfNeeded();
    await captureView(page, 'experiment-live-chart');
    await closeClean(tab);
  });
});
