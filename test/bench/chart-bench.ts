/**
 * Live charts in headless Chromium: ten SliCharts, each fed a new point per update, and the JS
 * heap (after a forced garbage collection) at the start, every 100 updates and at the end. The
 * issue's case, and `npm run bench`'s default: 10 series updating every second for 10 minutes
 * (600 updates, `intervalMs` 1000), so the run takes 10 minutes; `--chart-updates N` shortens
 * it. Every update is rendered and painted before the next one (when rendering ten charts takes
 * longer than the interval, the next update follows at once).
 *
 * The same updates with no cap on the points are the baseline, so the table shows what the
 * bounded buffer saves. What can grow is what each update leaves behind (points kept, rows,
 * DOM), not wall time, so the baseline runs at `baselineIntervalMs` (0 in `npm run bench`: as
 * fast as it renders) rather than adding another 10 minutes.
 *
 * The heap rises while the buffer fills and while Recharts and V8 warm their caches, then stays
 * flat: besides end against start, the figure that matters is the growth from a checkpoint after
 * the buffer is full to the end. A cap of 120 (a two-minute window at one point a second) leaves
 * most of the run in that steady state; the console keeps up to 600 (`DEFAULT_LIVE_POINT_CAP`),
 * which only moves where the plateau is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/chromium';
import { progress, summarize, type Checks, type Row } from './stats';

export interface ChartBenchOptions {
  /** Updates per run (600 = one a second for 10 minutes). */
  updates: number;
  /** Time between updates in the page, in ms. */
  intervalMs: number;
  /** Points kept per series by the live buffer. */
  cap: number;
  /** Time between updates of the uncapped baseline run (default: `intervalMs`). */
  baselineIntervalMs?: number;
}

const REPO_DIR = process.cwd();
const PAGE_DIR = join(REPO_DIR, 'renderer', 'src', 'charts', 'bench');
const SERIES = 10;

/** The bench page, built like the console (production React) into a temporary directory. */
function buildPage(outDir: string): Promise<void> {
  const vite = join(REPO_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', '--config', join(PAGE_DIR, 'vite.config.ts'), '--outDir', outDir];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_DIR,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build of the bench page failed (${code})`)),
    );
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Serves the built page on loopback (module scripts do not load from file://). */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

interface Control {
  run(
    updates: number,
    intervalMs: number,
    cap: number,
  ): Promise<{ pointsPerSeries: number[]; updateMs: number[] }>;
}

interface Reading {
  heapMb: number;
  nodes: number;
}

/** JS heap in use after a forced collection, and DOM nodes, through the DevTools protocol. */
async function measure(page: Page): Promise<Reading> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return {
    heapMb: usedSize / (1024 * 1024),
    nodes: metrics.find((metric) => metric.name === 'Nodes')?.value ?? Number.NaN,
  };
}

interface RunResult {
  /** Heap and DOM before any update, then after every CHECKPOINT_EVERY updates. */
  readings: Array<Reading & { updates: number }>;
  pointsPerSeries: number[];
  /** Render-and-paint time of each update (all ten charts). */
  updateMs: number[];
  /** Wall time of the updates (heap readings excluded). */
  feedingMs: number;
  pageErrors: string[];
}

const CHECKPOINT_EVERY = 100;

async function runOnce(
  browser: Browser,
  url: string,
  updates: number,
  intervalMs: number,
  cap: number,
): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => Boolean((globalThis as { chartBench?: unknown }).chartBench));
    const feed = (count: number) =>
      page.evaluate(
        ([count, interval, limit]) =>
          (globalThis as unknown as { chartBench: Control }).chartBench.run(count, interval, limit),
        [count, intervalMs, cap] as const,
      );
    const readings = [{ updates: 0, ...(await measure(page)) }];
    const updateMs: number[] = [];
    let pointsPerSeries: number[] = [];
    let feedingMs = 0;
    for (let done = 0; done < updates;) {
      const count = Math.min(CHECKPOINT_EVERY, updates - done);
      const fedAt = performance.now();
      const result = await feed(count);
      feedingMs += performance.now() - fedAt;
      done += count;
      updateMs.push(...result.updateMs);
      pointsPerSeries = result.pointsPerSeries;
      const reading = await measure(page);
      readings.push({ updates: done, ...reading });
      progress(`charts: ${done}/${updates} updates, heap ${reading.heapMb.toFixed(1)} MB`);
    }
    return { readings, pointsPerSeries, updateMs, feedingMs, pageErrors };
  } finally {
    await context.close();
  }
}

/**
 * The first checkpoint at which the run is warm: the buffer has been full for a checkpoint
 * (Recharts and V8 settle their caches while it fills), or halfway if that comes later.
 */
function warmReading(run: RunResult, cap: number, updates: number): RunResult['readings'][number] {
  const settledAt = Math.min(cap + CHECKPOINT_EVERY, Math.floor(updates / 2));
  return run.readings.find((reading) => reading.updates >= settledAt) ?? run.readings.at(-1)!;
}

export async function runChartBench(options: ChartBenchOptions, checks: Checks): Promise<Row[]> {
  const { updates, intervalMs, cap } = options;
  const baselineIntervalMs = options.baselineIntervalMs ?? intervalMs;
  const outDir = mkdtempSync(join(tmpdir(), 'runway-chart-bench-'));
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    progress('charts: building the bench page');
    await buildPage(outDir);
    const served = await serve(outDir);
    server = served.server;
    browser = await launchChromium();
    progress(
      `charts: ${SERIES} live charts, ${updates} updates every ${intervalMs} ms, cap ${cap}`,
    );
    const bounded = await runOnce(browser, served.url, updates, intervalMs, cap);
    progress(`charts: the same with no cap (baseline), every ${baselineIntervalMs} ms`);
    const unbounded = await runOnce(
      browser,
      served.url,
      updates,
      baselineIntervalMs,
      Number.POSITIVE_INFINITY,
    );
    progress(
      `charts: heap MB per ${CHECKPOINT_EVERY} updates, capped: ${bounded.readings.map((reading) => reading.heapMb.toFixed(1)).join(' ')}; ` +
        `no cap: ${unbounded.readings.map((reading) => reading.heapMb.toFixed(1)).join(' ')}`,
    );

    const start = bounded.readings[0]!;
    const warm = warmReading(bounded, cap, updates);
    const end = bounded.readings.at(-1)!;
    const baselineWarm = unbounded.readings.find((reading) => reading.updates === warm.updates)!;
    const baselineEnd = unbounded.readings.at(-1)!;
    const expected = Math.min(cap, updates + 1);
    checks.check(
      bounded.pointsPerSeries.length === SERIES &&
        bounded.pointsPerSeries.every((points) => points === expected),
      `charts: every live series holds min(cap, points sent) = ${expected} points (got ${bounded.pointsPerSeries.join(', ')})`,
    );
    checks.check(
      unbounded.pointsPerSeries.every((points) => points === updates + 1),
      `charts: the uncapped baseline kept all ${updates + 1} points per series`,
    );
    checks.check(
      bounded.pageErrors.length === 0 && unbounded.pageErrors.length === 0,
      `charts: no page errors (${[...bounded.pageErrors, ...unbounded.pageErrors].join('; ') || 'none'})`,
    );
    // Once the buffer is full an update replaces a point: the page must not grow from there on.
    checks.check(
      end.nodes <= warm.nodes * 1.05,
      `charts: DOM nodes stay flat once the buffer is full (${warm.nodes} → ${end.nodes})`,
    );

    const seconds = bounded.feedingMs / 1000;
    const every = intervalMs >= 1000 ? `${intervalMs / 1000} s` : `${intervalMs} ms`;
    const label = `live charts, ${SERIES} series × ${updates} updates every ${every} (cap ${cap})`;
    const span = `updates ${warm.updates}→${end.updates}`;
    const render = summarize(bounded.updateMs);
    const baselineLabel = `same updates, no cap, every ${baselineIntervalMs} ms`;
    return [
      {
        benchmark: `${label}: length of the run (measured)`,
        value: seconds >= 60 ? seconds / 60 : seconds,
        unit: seconds >= 60 ? 'min' : 's',
      },
      { benchmark: `${label}: heap at start (no points)`, value: start.heapMb, unit: 'MB' },
      {
        benchmark: `${label}: heap after ${warm.updates} updates (${warm.updates > cap ? 'buffer full, warm' : 'short run: buffer not full'})`,
        value: warm.heapMb,
        unit: 'MB',
      },
      {
        benchmark: `${label}: heap at end`,
        value: end.heapMb,
        unit: 'MB',
        baseline: 'heap at start',
        ratio: end.heapMb / start.heapMb,
      },
      {
        benchmark: `${label}: heap growth, ${span}`,
        value: end.heapMb - warm.heapMb,
        unit: 'MB',
        target: '≈ 0',
      },
      {
        benchmark: `${label}: DOM nodes, ${span}`,
        value: `${warm.nodes} → ${end.nodes}`,
        unit: 'nodes',
      },
      {
        benchmark: `${label}: render + paint per update, all charts: p50`,
        value: render.p50,
        unit: 'ms',
      },
      {
        benchmark: `${label}: render + paint per update, all charts: p99`,
        value: render.p99,
        unit: 'ms',
      },
      {
        benchmark: `${baselineLabel}: heap at end`,
        value: baselineEnd.heapMb,
        unit: 'MB',
        baseline: `heap at end, cap ${cap}`,
        ratio: baselineEnd.heapMb / end.heapMb,
      },
      {
        benchmark: `${baselineLabel}: heap growth, ${span}`,
        value: baselineEnd.heapMb - baselineWarm.heapMb,
        unit: 'MB',
      },
      {
        benchmark: `${baselineLabel}: render + paint per update: p99`,
        value: summarize(unbounded.updateMs).p99,
        unit: 'ms',
        baseline: `p99, cap ${cap}`,
        ratio: summarize(unbounded.updateMs).p99 / render.p99,
      },
    ];
  } finally {
    await browser?.close();
    if (server) await new Promise((resolve) => server!.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Alone: `npx tsx test/bench/chart-bench.ts [--updates N] [--interval-ms N] [--cap N]`
// (defaults: the issue's 600 updates a second apart; the baseline as fast as it renders).
if (process.argv[1]?.endsWith('chart-bench.ts')) {
  const { parseArgs } = await import('node:util');
  const { Checks, formatTable } = await import('./stats');
  const { values } = parseArgs({
    options: {
      updates: { type: 'string', default: '600' },
      'interval-ms': { type: 'string', default: '1000' },
      cap: { type: 'string', default: '120' },
    },
  });
  const checks = new Checks();
  const rows = await runChartBench(
    {
      updates: Number(values.updates),
      intervalMs: Number(values['interval-ms']),
      cap: Number(values.cap),
      baselineIntervalMs: 0,
    },
    checks,
  );
  process.stdout.write(`${formatTable(rows)}\n`);
  if (checks.failures.length > 0) {
    process.stdout.write(
      `\nCHECKS FAILED:\n${checks.failures.map((line) => `  - ${line}`).join('\n')}\n`,
    );
    process.exitCode = 1;
  }
}
