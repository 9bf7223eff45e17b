import { afterEach, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { ManualClock } from '../../server/src/clock';
import type { Variant } from '../../server/src/telemetry/metric-point';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { armAttributes, deltaSum, nanos, postMetrics } from '../support/otlp';

// SLI definitions through the API, and guardrails computed from each kind of source: a ratio of
// a service's own OTLP metrics, a quantile of a histogram, and PromQL with no Prometheus.

const START_MS = Date.UTC(2026, 10, 29, 6, 0, 0);

let server: TestServer;
let clock: ManualClock;

afterEach(async () => {
  await server.stop();
});

async function boot(env: NodeJS.ProcessEnv = {}): Promise<void> {
  clock = new ManualClock(START_MS);
  server = await startTestServer({ clock, guardrailLoop: false, env });
}

async function post(metrics: unknown[]): Promise<void> {
  const sent = await postMetrics(server.url, server.tokens.alice, 'checkout', metrics);
  expect(sent).toEqual({ status: 200, body: {} });
}

function sum(name: string, key: string, variant: Variant, value: number) {
  return deltaSum(name, key, { [variant]: value }, clock.now());
}

const BOUNDS = [50, 100, 200, 400, 800, 1600];

/** A delta histogram of `count` latencies spread over the buckets with the given shares. */
function latencyHistogram(key: string, variant: Variant, shares: number[], count: number) {
  const bucketCounts = shares.map((share) => Math.round(share * count));
  const total = bucketCounts.reduce((sum, value) => sum + value, 0);
  return {
    name: 'runway.request.duration_ms',
    histogram: {
      aggregationTemporality: 1,
      dataPoints: [
        {
          attributes: armAttributes(key, variant),
          startTimeUnixNano: nanos(clock.now() - 1_000),
          timeUnixNano: nanos(clock.now()),
          count: String(total),
          sum: total * 150,
          bucketCounts: bucketCounts.map(String),
          explicitBounds: BOUNDS,
          min: 1,
          max: 3_000,
        },
      ],
    },
  };
}

async function enqueueRunning(key: string, guardrails: unknown[]): Promise<void> {
  await server
    .client(server.tokens.alice)
    .experiments.enqueue.mutate({ specs: [makeSpec(key, { guardrails })] });
  server.runway.scheduler.tick();
  expect(server.runway.experimentStore.get(key)?.state).toBe('running');
}

function status(key: string, sli: string) {
  return server.runway.experimentStore.guardrailStatuses(key).find((entry) => entry.sli === sli);
}

describe('SLI definitions', () => {
  it('lists the catalogue with how each SLI is computed; latency percentiles are quantiles', async () => {
    await boot();
    const { slis } = await server.client(server.tokens.vic).policy.get.query();
    const byName = Object.fromEntries(slis.map((sli) => [sli.name, sli.source]));
    expect(byName.error_rate).toEqual({
      kind: 'ratio',
      numeratorMetric: 'runway.requests.errors',
      denominatorMetric: 'runway.requests',
    });
    expect(byName.latency_p95_ms).toEqual({
      kind: 'quantile',
      metric: 'runway.request.duration_ms',
      quantile: 0.95,
    });
    expect(byName.latency_p99_ms).toMatchObject({ kind: 'quantile', quantile: 0.99 });
  });

  it('defines a service SLI (admin only), audits it, and refuses a bad PromQL template whole', async () => {
    await boot();
    const definition = {
      service: 'checkout',
      name: 'payment_failures',
      description: 'declined payments / payment attempts',
      unit: 'ratio',
      source: {
        kind: 'ratio' as const,
        numeratorMetric: 'payments.declined',
        denominatorMetric: 'payments.attempted',
      },
    };
    await expect(
      server.client(server.tokens.bob).policy.defineSli.mutate(definition),
    ).rejects.toMatchObject({ data: { runway: { code: 'FORBIDDEN' } } });
    const defined = await server.client(server.tokens.admin).policy.defineSli.mutate(definition);
    expect(defined).toEqual(definition);
    const audit = await server.client(server.tokens.admin).audit.list.query({});
    expect(audit.some((entry) => entry.action === 'policy.sli')).toBe(true);

    const bad = server.client(server.tokens.admin).policy.defineSli.mutate({
      ...definition,
      name: 'web_errors',
      source: {
        kind: 'promql',
        numeratorQuery: 'sum(increase(errors_total{experiment="{{experimnt}}"}[{{range}}]))',
        denominatorQuery: 'sum(increase(requests_total{experiment="{{experiment}}"}[{{range}}]))',
      },
    });
    const error = await bad.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({
      runway: {
        code: 'BAD_REQUEST',
        issues: [
          { path: 'source.numeratorQuery', message: expect.stringContaining('{{experimnt}}') },
        ],
      },
    });
    const { slis } = await server.client(server.tokens.admin).policy.get.query();
    expect(slis.some((sli) => sli.name === 'web_errors')).toBe(false);
  });

  it("judges a guardrail on the service's own metrics once the service defines the SLI", async () => {
    await boot();
    await server.client(server.tokens.admin).policy.defineSli.mutate({
      service: 'checkout',
      name: 'error_rate',
      description: 'HTTP 5xx / HTTP requests',
      unit: 'ratio',
      source: {
        kind: 'ratio',
        numeratorMetric: 'http.server.errors',
        denominatorMetric: 'http.server.requests',
      },
    });
    await enqueueRunning('checkout-own', [
      { sli: 'error_rate', max: 0.01, window: '5m', action: 'rollback' },
    ]);
    clock.advance(5_000);
    // The catalogue's default metrics say healthy; the service's own say 5% errors.
    await post([
      sum('runway.requests', 'checkout-own', 'treatment', 10_000),
      sum('runway.requests.errors', 'checkout-own', 'treatment', 0),
      sum('http.server.requests', 'checkout-own', 'treatment', 10_000),
      sum('http.server.errors', 'checkout-own', 'treatment', 500),
    ]);
    const [outcome] = server.runway.guardrails.evaluateRunning(clock.now());
    expect(outcome?.decision).toMatchObject({ kind: 'rollback', sli: 'error_rate' });
    expect(server.runway.experimentStore.get('checkout-own')?.state).toBe('rolled_back');
  });

  it('pauses an experiment whose p95 latency is far above control, from histogram buckets', async () => {
    await boot();
    await enqueueRunning('slow-search', [
      { sli: 'latency_p95_ms', maxRelative: 0.1, window: '5m', action: 'pause' },
    ]);
    clock.advance(5_000);
    // Control's p95 sits in (200, 400]; treatment's in (800, 1600].
    const control = [0.3, 0.3, 0.3, 0.08, 0.02, 0, 0];
    const treatment = [0.2, 0.2, 0.2, 0.2, 0.1, 0.08, 0.02];
    await post([
      latencyHistogram('slow-search', 'control', control, 5_000),
      latencyHistogram('slow-search', 'treatment', treatment, 5_000),
    ]);
    server.runway.guardrails.evaluateRunning(clock.now());
    expect(server.runway.experimentStore.get('slow-search')?.state).toBe('paused');
    const verdict = status('slow-search', 'latency_p95_ms');
    expect(verdict?.verdict).toBe('fail');
    // treatment p95 ≈ 800 + 0.03/0.08·800 = 1100 ms against control's ≈ 200 + 0.02/0.08·200 = 250 ms
    expect(verdict?.details.estimate).toBeGreaterThan(3);
    const pages = server.runway.db
      .prepare("SELECT topic FROM outbox WHERE topic = 'page.guardrail'")
      .all();
    expect(pages).toHaveLength(1);
  });

  it('reads a PromQL SLI as no data without a Prometheus, never as a pass, and pauses after a window', async () => {
    await boot();
    await server.client(server.tokens.admin).policy.defineSli.mutate({
      service: 'checkout',
      name: 'error_rate',
      description: 'from Prometheus',
      unit: 'ratio',
      source: {
        kind: 'promql',
        numeratorQuery:
          'sum(increase(errors_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))',
        denominatorQuery:
          'sum(increase(requests_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))',
      },
    });
    await enqueueRunning('prom-only', [
      { sli: 'error_rate', max: 0.05, window: '1m', action: 'rollback' },
    ]);
    clock.advance(10_000);
    await server.runway.guardrails.evaluateWithExternal(clock.now());
    const first = status('prom-only', 'error_rate');
    expect(first?.verdict).toBe('no_data');
    expect(String(first?.details.reason)).toContain('RUNWAY_PROMETHEUS_URL');
    expect(server.runway.experimentStore.get('prom-only')?.state).toBe('running');

    clock.advance(61_000);
    const outcomes = await server.runway.guardrails.evaluateWithExternal(clock.now());
    expect(outcomes[0]?.decision).toMatchObject({ kind: 'pause', reason: 'no_data' });
    expect(server.runway.experimentStore.get('prom-only')).toMatchObject({
      state: 'paused',
      stageIndex: 0,
    });
  });
});
