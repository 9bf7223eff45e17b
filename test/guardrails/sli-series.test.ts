import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// experiments.sliSeries over HTTP: OTLP JSON in, the guardrail engine judging it, and the chart
// series that the console draws, checked against what the engine recorded for the same data.

const START_MS = Date.UTC(2026, 10, 29, 8, 0, 3);
const WINDOW_MS = 10_000;
const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const text = (value: string) => ({ stringValue: value });
const BOUNDS = [50, 100, 200, 400, 800];

let server: TestServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(START_MS);
  server = await startTestServer({ clock, guardrailLoop: false });
});
afterEach(async () => {
  await server.stop();
});

function arm(key: string, variant: string) {
  return [
    { key: 'runway.experiment', value: text(key) },
    { key: 'runway.variant', value: text(variant) },
  ];
}

function deltaSum(name: string, key: string, variant: string, value: number) {
  return {
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [
        {
          attributes: arm(key, variant),
          startTimeUnixNano: nanos(clock.now() - 1_000),
          timeUnixNano: nanos(clock.now()),
          asInt: String(value),
        },
      ],
    },
  };
}

function latency(key: string, variant: string, bucketCounts: number[]) {
  const count = bucketCounts.reduce((total, each) => total + each, 0);
  return {
    name: 'runway.request.duration_ms',
    histogram: {
      aggregationTemporality: 1,
      dataPoints: [
        {
          attributes: arm(key, variant),
          startTimeUnixNano: nanos(clock.now() - 1_000),
          timeUnixNano: nanos(clock.now()),
          count: String(count),
          sum: count * 120,
          bucketCounts: bucketCounts.map(String),
          explicitBounds: BOUNDS,
          min: 2,
          max: 1_500,
        },
      ],
    },
  };
}

async function post(metrics: unknown[]): Promise<void> {
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.alice}` },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: text('checkout') }] },
          scopeMetrics: [{ scope: { name: 'test' }, metrics }],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

/** One export of both arms: requests and errors, and a latency histogram. */
async function traffic(key: string, treatmentErrors: number, controlErrors: number) {
  await post([
    deltaSum('runway.requests', key, 'treatment', 1_000),
    deltaSum('runway.requests.errors', key, 'treatment', treatmentErrors),
    deltaSum('runway.requests', key, 'control', 1_000),
    deltaSum('runway.requests.errors', key, 'control', controlErrors),
    latency(key, 'treatment', [100, 500, 300, 80, 20, 0]),
    latency(key, 'control', [120, 520, 280, 70, 10, 0]),
  ]);
}

const GUARDRAILS = [
  { sli: 'error_rate', maxRelative: 0.5, window: '1m', action: 'rollback' },
  { sli: 'latency_p95_ms', max: 900, window: '1m', action: 'pause' },
];

async function startRunning(key: string, guardrails: unknown[] = GUARDRAILS): Promise<void> {
  await server
    .client(server.tokens.alice)
    .experiments.enqueue.mutate({ specs: [makeSpec(key, { guardrails })] });
  server.runway.scheduler.tick();
  expect(server.runway.experimentStore.get(key)?.state).toBe('running');
}

describe('experiments.sliSeries', () => {
  it('charts each guardrail cumulatively since the stage began, ending on the engine verdict', async () => {
    await startRunning('charted');
    for (let second = 0; second < 45; second += 5) {
      clock.advance(5_000);
      await traffic('charted', 10, 9);
    }
    server.runway.guardrails.evaluateRunning(clock.now());

    const result = await server
      .client(server.tokens.vic)
      .experiments.sliSeries.query({ key: 'charted' });
    expect(result).toMatchObject({
      key: 'charted',
      state: 'running',
      stageIndex: 0,
      nowMs: clock.now(),
      toMs: clock.now(),
      fromMs: Math.floor(START_MS / WINDOW_MS) * WINDOW_MS,
      bucketMs: WINDOW_MS,
      markers: [{ atMs: START_MS, stageIndex: 0, percent: 10, event: 'start' }],
    });

    const [errors, p95] = result.series;
    expect(errors).toMatchObject({
      sli: 'error_rate',
      unit: 'ratio',
      source: 'ratio',
      unavailable: null,
      action: 'rollback',
      windowMs: 60_000,
      bounds: [{ bound: 'maxRelative', limit: 0.5, relative: true }],
    });
    // One point per window boundary, then one at now; samples only ever grow within a stage.
    const times = errors!.points.map((point) => point.atMs);
    expect(times.at(-1)).toBe(clock.now());
    expect(times.slice(0, -1).every((atMs) => atMs % WINDOW_MS === 0)).toBe(true);
    const samples = errors!.points.map((point) => point.treatmentSamples);
    expect(samples).toEqual([...samples].sort((a, b) => a - b));

    const last = errors!.points.at(-1)!;
    expect(last).toMatchObject({
      treatment: 90 / 9_000,
      control: 81 / 9_000,
      treatmentSamples: 9_000,
      controlSamples: 9_000,
    });
    expect(last.limits[0]).toBeCloseTo((81 / 9_000) * 1.5, 12);

    // The chart's last point is the evidence the engine judged a moment ago.
    const recorded = server.runway.experimentStore
      .guardrailStatuses('charted')
      .find((status) => status.sli === 'error_rate')!;
    expect(errors!.latest).toMatchObject({
      verdict: recorded.verdict,
      stageIndex: 0,
      evaluatedAtMs: clock.now(),
      bound: 'maxRelative',
      samples: { treatment: 9_000, control: 9_000 },
    });
    expect(last.verdict).toBe(recorded.verdict);
    const [low, high] = recorded.details.interval as [number, number];
    expect(last.band![0]).toBeCloseTo(last.control! * (1 + low), 12);
    expect(last.band![1]).toBeCloseTo(last.control! * (1 + high), 12);

    expect(p95).toMatchObject({ sli: 'latency_p95_ms', unit: 'ms', source: 'quantile' });
    const p95Last = p95!.points.at(-1)!;
    expect(p95Last.treatment).toBe(p95!.latest!.estimate);
    expect(p95Last.band).toEqual(p95!.latest!.interval);
    expect(p95Last.limits).toEqual([900]);
    expect(p95Last.verdict).toBe(p95!.latest!.verdict);
  });

  it('restarts at a stage change and marks it; sinceMs shows the stages before as well', async () => {
    await startRunning('ramped');
    for (let step = 0; step < 4; step++) {
      clock.advance(10_000);
      await traffic('ramped', 5, 5);
    }
    const client = server.client(server.tokens.bob);
    const { version } = await client.experiments.get.query({ key: 'ramped' });
    await client.experiments.advance.mutate({ key: 'ramped', expectedVersion: version });
    const advancedAtMs = clock.now();
    for (let step = 0; step < 2; step++) {
      clock.advance(10_000);
      await traffic('ramped', 5, 5);
    }

    const current = await client.experiments.sliSeries.query({ key: 'ramped' });
    expect(current.markers).toEqual([
      { atMs: advancedAtMs, stageIndex: 1, percent: 50, event: 'advance' },
    ]);
    const currentErrors = current.series[0]!.points;
    expect(currentErrors.every((point) => point.stageIndex === 1)).toBe(true);
    // The window the advance fell in counts for the new stage too, as the engine counts it.
    expect(currentErrors.at(-1)!.treatmentSamples).toBe(3_000);

    const whole = await client.experiments.sliSeries.query({ key: 'ramped', sinceMs: 0 });
    expect(whole.markers.map((marker) => [marker.event, marker.stageIndex])).toEqual([
      ['start', 0],
      ['advance', 1],
    ]);
    const points = whole.series[0]!.points;
    const firstStage = points.filter((point) => point.stageIndex === 0);
    const secondStage = points.filter((point) => point.stageIndex === 1);
    expect(firstStage.at(-1)!.treatmentSamples).toBe(4_000);
    expect(secondStage[0]!.treatmentSamples).toBeLessThan(firstStage.at(-1)!.treatmentSamples);
    expect(secondStage.at(-1)).toEqual(currentErrors.at(-1));
  });

  it('keeps a long range near maxPoints by widening the buckets', async () => {
    await startRunning('long-run');
    for (let minute = 0; minute < 30; minute++) {
      clock.advance(60_000);
      await traffic('long-run', 3, 3);
    }
    const result = await server
      .client(server.tokens.vic)
      .experiments.sliSeries.query({ key: 'long-run', maxPoints: 20 });
    expect(result.bucketMs).toBe(10 * WINDOW_MS);
    const points = result.series[0]!.points;
    expect(points.length).toBeLessThanOrEqual(21);
    expect(points.at(-1)!.treatmentSamples).toBe(30_000);
  });

  it('says why a PromQL SLI has no series, and charts nothing before the start', async () => {
    await server.client(server.tokens.admin).policy.defineSli.mutate({
      service: 'checkout',
      name: 'refund_rate',
      description: 'refunds from Prometheus',
      unit: 'ratio',
      source: {
        kind: 'promql',
        numeratorQuery:
          'sum(increase(refunds_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))',
        denominatorQuery:
          'sum(increase(orders_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))',
      },
    });
    const guardrails = [{ sli: 'refund_rate', max: 0.05, window: '1m', action: 'pause' }];
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [
        makeSpec('prom-chart', { guardrails }),
        makeSpec('waiting', { requires: ['prom-chart'] }),
      ],
    });
    server.runway.scheduler.tick();
    const prom = await server
      .client(server.tokens.vic)
      .experiments.sliSeries.query({ key: 'prom-chart' });
    expect(prom.series[0]).toMatchObject({ source: 'promql', points: [] });
    expect(prom.series[0]!.unavailable).toMatch(/PromQL/);

    const waiting = await server
      .client(server.tokens.vic)
      .experiments.sliSeries.query({ key: 'waiting' });
    expect(waiting).toMatchObject({ state: 'queued', markers: [], series: [] });
  });

  it('needs a token and a known key', async () => {
    const anonymous = server.client(null).experiments.sliSeries.query({ key: 'nope' });
    await expect(anonymous).rejects.toBeInstanceOf(TRPCClientError);
    await expect(anonymous).rejects.toMatchObject({ data: { runway: { code: 'UNAUTHORIZED' } } });
    await expect(
      server.client(server.tokens.vic).experiments.sliSeries.query({ key: 'nope' }),
    ).rejects.toMatchObject({ data: { runway: { code: 'NOT_FOUND' } } });
  });
});
