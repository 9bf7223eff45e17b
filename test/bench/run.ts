/**
 * `npm run bench`: Runway's benchmarks on this machine. Progress goes to stderr; ONE table goes
 * to stdout. Nothing here asserts a time; correctness checks that fail are listed under the
 * table and make the exit code 1. See test/bench/README.md.
 *
 * Benchmarks by name (after `npm run bench --`; all of them when none is named): tick, enqueue,
 * ingest, decision, flag, slack-ack, slack-page, graph, chart. E.g.
 * `npm run bench -- graph chart --chart-updates 30`.
 *
 * Options: --requests N (measured enqueues, default 2000), --warmup N (default 100),
 * --queued N (default 10000), --tick-runs N (default 30), --enqueue-seconds N (stop measuring
 * enqueues after N seconds even short of --requests; 125), --ingest-requests N (measured OTLP
 * exports of 2,000 points; 120), --decision-runs N (40), --slack-commands N (measured /runway
 * commands; 300), --slack-page-runs N (measured guardrail breaches paged to Slack; 20),
 * --chart-updates N (live chart updates, one a second: 600 = the issue's 10 minutes),
 * --chart-interval-ms N (1000).
 */
import { parseArgs } from 'node:util';
import { runChartBench } from './chart-bench';
import { runDecisionBench } from './decision-bench';
import { runEnqueueBench } from './enqueue-bench';
import { runFlagBench } from './flag-bench';
import { runGraphBench } from './graph-bench';
import { runIngestBench } from './ingest-bench';
import { runSlackAckBench } from './slack-ack-bench';
import { runSlackPageBench } from './slack-page-bench';
import { Checks, formatTable, progress, type Row } from './stats';
import { runTickBench } from './tick-bench';

const BENCHMARKS = [
  'tick',
  'enqueue',
  'ingest',
  'decision',
  'flag',
  'slack-ack',
  'slack-page',
  'graph',
  'chart',
] as const;
type Benchmark = (typeof BENCHMARKS)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '100' },
    queued: { type: 'string', default: '10000' },
    'tick-runs': { type: 'string', default: '30' },
    'enqueue-seconds': { type: 'string', default: '125' },
    'ingest-requests': { type: 'string', default: '120' },
    'decision-runs': { type: 'string', default: '40' },
    'slack-commands': { type: 'string', default: '300' },
    'slack-page-runs': { type: 'string', default: '20' },
    'chart-updates': { type: 'string', default: '600' },
    'chart-interval-ms': { type: 'string', default: '1000' },
  },
});
const isBenchmark = (name: string): name is Benchmark =>
  (BENCHMARKS as readonly string[]).includes(name);
const unknown = positionals.filter((name) => !isBenchmark(name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}: choose from ${BENCHMARKS.join(', ')} (none = all)\n`,
  );
  process.exit(2);
}
const selected = new Set<Benchmark>(
  positionals.length > 0 ? positionals.filter(isBenchmark) : BENCHMARKS,
);
const requests = Number(values.requests);
const warmup = Number(values.warmup);
const queued = Number(values.queued);
const tickRuns = Number(values['tick-runs']);
const enqueueSeconds = Number(values['enqueue-seconds']);

const checks = new Checks();
const started = performance.now();
const thousands = (value: number): string => `${Math.round(value / 1000)}k`;
progress(`benchmarks: ${[...selected].join(', ')}`);

const tickOptions = (experiments: number) => ({
  experiments,
  edges: 3 * experiments,
  runs: tickRuns,
  warmup: 5,
  batchSize: 500,
});
const small = selected.has('tick') ? await runTickBench(tickOptions(queued / 10), checks) : null;
const large = selected.has('tick') ? await runTickBench(tickOptions(queued), checks) : null;
const enqueue = selected.has('enqueue')
  ? await runEnqueueBench(
      { queued, warmup, requests, batchSize: 500, breakdown: 120, budgetMs: enqueueSeconds * 1000 },
      checks,
    )
  : null;
const telemetryRows: Row[] = [
  ...(selected.has('ingest')
    ? await runIngestBench(
        {
          experiments: 8,
          lanes: 4,
          instancesPerLane: 5,
          pointsPerSeries: 5,
          warmupPerLane: 3,
          requests: Number(values['ingest-requests']),
        },
        checks,
      )
    : []),
  ...(selected.has('decision')
    ? await runDecisionBench(
        { runs: Number(values['decision-runs']), warmup: 3, background: 10 },
        checks,
      )
    : []),
];
const flagRows = selected.has('flag')
  ? await runFlagBench({ evaluations: 20_000, changes: 200 }, checks)
  : [];
const slackRows: Row[] = [
  ...(selected.has('slack-ack')
    ? await runSlackAckBench(
        { commands: Number(values['slack-commands']), warmup: 25, running: 20, queued: 10 },
        checks,
      )
    : []),
  ...(selected.has('slack-page')
    ? await runSlackPageBench({ runs: Number(values['slack-page-runs']), warmup: 2 }, checks)
    : []),
];
// The console in headless Chromium last: nothing else is using the machine meanwhile.
const graphRows = selected.has('graph')
  ? await runGraphBench({ experiments: 1_000, edges: 2_000, repeatVisits: 3, panDrags: 4 }, checks)
  : [];
const chartRows = selected.has('chart')
  ? await runChartBench(
      {
        updates: Number(values['chart-updates']),
        intervalMs: Number(values['chart-interval-ms']),
        cap: 120,
        // The uncapped baseline only shows what the bounded buffer saves, which depends on the
        // points kept, not on wall time: it runs the same updates without waiting between them.
        baselineIntervalMs: 0,
      },
      checks,
    )
  : [];

const smallLabel = `${thousands(queued / 10)} exp / ${thousands((3 * queued) / 10)} edges`;
const largeLabel = `${thousands(queued)} exp / ${thousands(3 * queued)} edges`;
const enqueueLabel = `enqueue over HTTP, ${thousands(queued)} queued`;
const floorLabel = 'floor: durable 1-row insert';

const rows: Row[] = [];
const add = (
  benchmark: string,
  value: number | string,
  unit: string,
  extra: Partial<Row> = {},
): void => {
  rows.push({ benchmark, value, unit, ...extra });
};
/** A row compared with a baseline measured in this run. */
const against = (
  baseline: string,
  baselineValue: number,
  value: number,
  target?: string,
): Partial<Row> => ({
  baseline,
  ratio: value / baselineValue,
  ...(target ? { target } : {}),
});

if (enqueue) {
  const { enqueue: http, floor, healthz } = enqueue;
  add(`${enqueueLabel}: p50`, http.p50, 'ms', against(`${floorLabel} p50`, floor.p50, http.p50));
  add(
    `${enqueueLabel}: p99`,
    http.p99,
    'ms',
    against(`${floorLabel} p99`, floor.p99, http.p99, '< 5 ms'),
  );
  add(
    `${enqueueLabel}: mean`,
    http.mean,
    'ms',
    against(`${floorLabel} mean`, floor.mean, http.mean),
  );
  add(`${enqueueLabel}: requests`, `${http.count} (+${warmup} warm-up)`, 'requests');
  add(`${floorLabel} (better-sqlite3, WAL, FULL): p50`, floor.p50, 'ms');
  add(`${floorLabel} (better-sqlite3, WAL, FULL): p99`, floor.p99, 'ms');
  add(`${floorLabel} (better-sqlite3, WAL, FULL): mean`, floor.mean, 'ms');
  add('GET /healthz round trip on loopback: p50', healthz.p50, 'ms');
  add('GET /healthz round trip on loopback: p99', healthz.p99, 'ms');
  add(
    `  enqueue part: the procedure (validate, graph check, insert, audit, commit): p50`,
    enqueue.parts.service.p50,
    'ms',
  );
  add(
    `  the tick a change triggers, in process (the server runs it in its worker): p50`,
    enqueue.parts.tick.p50,
    'ms',
  );
  add(
    `queued (or pending approval) when the HTTP enqueues began`,
    enqueue.queuedAtStart,
    'experiments',
  );
  add(
    `seed ${thousands(queued)} specs in-process, batches of 500`,
    (enqueue.seeded / enqueue.seedMs) * 1000,
    'specs/s',
  );
}

for (const [label, result] of small && large
  ? ([
      [largeLabel, large],
      [smallLabel, small],
    ] as const)
  : []) {
  const isLarge = result === large;
  const vs = (
    name: string,
    pick: (r: NonNullable<typeof large>) => number,
    target?: string,
  ): Partial<Row> =>
    isLarge && small && large
      ? against(`${name} ${smallLabel}`, pick(small), pick(large), target)
      : {};
  add(
    `scheduler tick, ${label}: p50`,
    result.tick.p50,
    'ms',
    vs('tick p50,', (r) => r.tick.p50, isLarge ? '< 50 ms; ~10x if linear' : undefined),
  );
  add(
    `scheduler tick, ${label}: p99`,
    result.tick.p99,
    'ms',
    vs('tick p99,', (r) => r.tick.p99, isLarge ? '< 50 ms' : undefined),
  );
  add(
    `scheduler tick, ${label}: mean`,
    result.tick.mean,
    'ms',
    vs('tick mean,', (r) => r.tick.mean),
  );
  if (result.workerTick) {
    add(
      `  tick decided in the worker thread (as the server runs it): p50`,
      result.workerTick.p50,
      'ms',
      vs('worker tick p50,', (r) => r.workerTick?.p50 ?? NaN, isLarge ? '< 50 ms' : undefined),
    );
    add(
      `  tick decided in the worker thread (as the server runs it): p99`,
      result.workerTick.p99,
      'ms',
      vs('worker tick p99,', (r) => r.workerTick?.p99 ?? NaN, isLarge ? '< 50 ms' : undefined),
    );
  }
  add(
    `  snapshot load, nothing written since: p50`,
    result.load.p50,
    'ms',
    vs('load p50,', (r) => r.load.p50),
  );
  add(
    `  snapshot load right after a write: p50`,
    result.freshLoad.p50,
    'ms',
    vs('load after write p50,', (r) => r.freshLoad.p50),
  );
  add(
    `  decide() alone: p50`,
    result.decide.p50,
    'ms',
    vs('decide p50,', (r) => r.decide.p50),
  );
  add(
    `  decide() alone: p99`,
    result.decide.p99,
    'ms',
    vs('decide p99,', (r) => r.decide.p99),
  );
  add(`  ticks that applied a change`, `${result.ticksThatApplied}/${result.tick.count}`, 'ticks');
}
rows.push(...telemetryRows, ...flagRows, ...slackRows, ...graphRows, ...chartRows);
add(
  'correctness checks',
  `${checks.passed.length} passed, ${checks.failures.length} failed`,
  'checks',
);

progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (small && large) {
  progress(
    `tick fleet ${largeLabel}: ${JSON.stringify(large.states)}; ${smallLabel}: ${JSON.stringify(small.states)}`,
  );
}
process.stdout.write(`${formatTable(rows)}\n`);
if (checks.failures.length > 0) {
  process.stdout.write(
    `\nBENCHMARK CORRECTNESS CHECKS FAILED:\n${checks.failures.map((failure) => `  - ${failure}`).join('\n')}\n`,
  );
  process.exitCode = 1;
}
