/**
 * Live charts in headless Chromium: ten SliCharts, each fed a new point per update, and the JS
 * heap (after a forced garbage collection) at the start, halfway and at the end. The issue's
 * case is 10 series updating every second for 10 minutes: 600 updates. They are sent every
 * `intervalMs` (100 ms by default) instead of every second, because what can grow is what each
 * update leaves behind (points kept, rows, DOM), not wall time: every update is still rendered
 * and painted before the next one (when rendering ten charts takes longer than the interval,
 * the next update follows at once). The same run with no cap on the points is the baseline, so
 * the table shows what the bounded buffer saves. About 2 × 600 × (interval or render time):
 * 2–6 minutes on a 2-core machine.
 *
 * The heap is read before the first update, then every 100 updates. It rises while the buffer
 * fills and while Recharts and V8 warm their caches, then stays flat: the figure that matters is
 * the growth from a checkpoint after the buffer is full to the end. A cap of 120 (a two-minute
 * window at one point a second) leaves most of the run in that steady state; the console keeps
 * up to 600 (`DEFAULT_LIVE_POINT_CAP`), which only moves where the plateau is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { progress, summarize, type Checks, type Row } from './stats';

export interface ChartBenchOptions {
  /** Updates per run (600 = one a second for 10 minutes). */
  updates: number;
  /** Time between updates in the page, in ms. */
  intervalMs: number;
  /** Points kept per series by the live buffer. */
  cap: number;
}

const REPO_DIR = process.cwd();
const PAGE_DIR = join(REPO_DIR, 'renderer', 'src', 'charts', 'bench');
const SERIES = 10;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(
    (path): path is string => Boolean(path),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "no Chromium: install Debian's (`apt-get install -y chromium`) or set CHROMIUM_PATH",
    );
  }
  return found;
}

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
    for (let done = 0; done < updates;) {
      const count = Math.min(CHECKPOINT_EVERY, updates - done);
      const result = await feed(count);
      done += count;
      updateMs.push(...result.updateMs);
      pointsPerSeries = result.pointsPerSeries;
      readings.push({ updates: done, ...(await measure(page)) });
    }
    return { readings, pointsPerSeries, updateMs, pageErrors };
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
  const outDir = mkdtempSync(join(tmpdir(), 'runway-chart-bench-'));
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    progress('charts: building the bench page');
    await buildPage(outDir);
    const served = await serve(outDir);
    server = served.server;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    progress(
      `charts: ${SERIES} live charts, ${updates} updates every ${intervalMs} ms, cap ${cap}`,
    );
    const bounded = await runOnce(browser, served.url, updates, intervalMs, cap);
    progress('charts: the same with no cap (baseline)');
    const unbounded = await runOnce(
      browser,
      served.url,
      updates,
      intervalMs,
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

    const label = `live charts, ${SERIES} series × ${updates} updates (cap ${cap})`;
    const span = `updates ${warm.updates}→${end.updates}`;
    return [
      { benchmark: `${label}: heap at start (no points)`, value: start.heapMb, unit: 'MB' },
      {
        benchmark: `${label}: heap after ${warm.updates} updates (buffer full, warm)`,
        value: warm.heapMb,
        unit: 'MB',
      },
      {
        benchmark: `${label}: heap at end`,
        value: end.heapMb,
        unit: 'MB',
        baseline: 'same, no cap: heap at end',
        ratio: end.heapMb / baselineEnd.heapMb,
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
        value: summarize(bounded.updateMs).p50,
        unit: 'ms',
      },
      {
        benchmark: `${label}: render + paint per update, all charts: p99`,
        value: summarize(bounded.updateMs).p99,
        unit: 'ms',
      },
      { benchmark: 'same, no cap: heap at end', value: baselineEnd.heapMb, unit: 'MB' },
      {
        benchmark: `same, no cap: heap growth, ${span}`,
        value: baselineEnd.heapMb - baselineWarm.heapMb,
        unit: 'MB',
      },
      {
        benchmark: 'same, no cap: render + paint per update: p99',
        value: summarize(unbounded.updateMs).p99,
        unit: 'ms',
      },
    ];
  } finally {
    await browser?.close();
    if (server) await new Promise((resolve) => server!.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Alone: `npx tsx test/bench/chart-bench.ts [--updates N] [--interval-ms N] [--cap N]`.
if (process.argv[1]?.endsWith('chart-bench.ts')) {
  const { parseArgs } = await import('node:util');
  const { Checks, formatTable } = await import('./stats');
  const { values } = parseArgs({
    options: {
      updates: { type: 'string', default: '600' },
      'interval-ms': { type: 'string', default: '100' },
      cap: { type: 'string', default: '120' },
    },
  });
  const checks = new Checks();
  const rows = await runChartBench(
    {
      updates: Number(values.updates),
      intervalMs: Number(values['interval-ms']),
      cap: Number(values.cap),
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
