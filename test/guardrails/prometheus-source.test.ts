import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Guardrail } from '../../shared/src/spec/spec-schema';
import { evaluateGuardrail } from '../../server/src/guardrails/evaluate-guardrail';
import {
  PrometheusClient,
  type PromRatioResult,
} from '../../server/src/guardrails/prometheus-client';
import type { PromqlVariant } from '../../server/src/guardrails/promql-template';
import type { RatioAggregate } from '../../server/src/guardrails/sli-estimates';
import {
  freeLoopbackPort,
  startExporter,
  startPrometheus,
  type RunningExporter,
  type RunningPrometheus,
} from '../support/prometheus';

// A real Prometheus (Debian's package) scrapes a loopback exporter every second; the PromQL
// SLI's counts drive the guardrail statistics.

const NUMERATOR =
  'sum(increase(http_requests_errors_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))';
const DENOMINATOR =
  'sum(increase(http_requests_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))';
const EXPERIMENT = 'checkout-v2';
const ERROR_RATE_GUARDRAIL: Guardrail = {
  sli: 'error_rate',
  maxRelative: 0.1,
  windowMs: 600_000,
  action: 'rollback',
};
/** First scrape comes ~5 s after start (Prometheus applies target updates every 5 s). */
const WAIT = { timeout: 25_000, interval: 200 };

const registry = new Registry();
const labelNames = ['experiment', 'variant'] as const;
const requests = new Counter({
  name: 'http_requests_total',
  help: 'requests',
  labelNames,
  registers: [registry],
});
const errors = new Counter({
  name: 'http_requests_errors_total',
  help: 'errors',
  labelNames,
  registers: [registry],
});

let exporter: RunningExporter | undefined;
let prometheus: RunningPrometheus | undefined;
let client: PrometheusClient;
let stageStartedMs: number;

beforeAll(async () => {
  // Counters start at 0 before the first scrape: increase() counts nothing a series already
  // had when Prometheus first saw it (see the last test).
  for (const variant of ['treatment', 'control']) {
    requests.inc({ experiment: EXPERIMENT, variant }, 0);
    errors.inc({ experiment: EXPERIMENT, variant }, 0);
  }
  stageStartedMs = Date.now();
  exporter = await startExporter(registry);
  prometheus = await startPrometheus({ scrapeTargets: [exporter.target], scrapeIntervalMs: 1000 });
  client = new PrometheusClient({ baseUrl: prometheus.url });
});

afterAll(async () => {
  await prometheus?.close();
  await exporter?.close();
});

function ratioAt(atMs: number, variant: PromqlVariant, experiment = EXPERIMENT) {
  const vars = { experiment, variant, rangeMs: atMs - stageStartedMs };
  return client.ratio(NUMERATOR, DENOMINATOR, vars, atMs);
}

function aggregate(result: PromRatioResult): RatioAggregate {
  if (!result.ok) throw new Error(result.error);
  return { kind: 'ratio', successes: result.successes, trials: result.trials };
}

async function queryValue(query: string): Promise<number | null> {
  const result = await client.instantQuery(query, Date.now());
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('a PromQL SLI read from a real Prometheus', () => {
  it("reads each arm's counts from the exporter's counters, and they fail a guardrail", async () => {
    const selector = `{experiment="${EXPERIMENT}"}`;
    await vi.waitFor(async () => {
      expect(await queryValue(`count(http_requests_total${selector})`)).toBe(2);
      expect(await queryValue(`count(http_requests_errors_total${selector})`)).toBe(2);
    }, WAIT);

    requests.inc({ experiment: EXPERIMENT, variant: 'treatment' }, 2000);
    errors.inc({ experiment: EXPERIMENT, variant: 'treatment' }, 200);
    requests.inc({ experiment: EXPERIMENT, variant: 'control' }, 2000);
    errors.inc({ experiment: EXPERIMENT, variant: 'control' }, 20);

    // Evaluated now, increase() extrapolates past the last scrape: the counts run high (up to
    // double with two samples), but numerator and denominator by the same factor.
    const now = await vi.waitFor(async () => {
      const atMs = Date.now();
      const [treatment, control] = [
        await ratioAt(atMs, 'treatment'),
        await ratioAt(atMs, 'control'),
      ];
      expect(treatment).toMatchObject({ ok: true, kind: 'counts' });
      expect(aggregate(treatment).trials).toBeGreaterThanOrEqual(2000);
      expect(aggregate(control).trials).toBeGreaterThanOrEqual(2000);
      return { treatment: aggregate(treatment), control: aggregate(control) };
    }, WAIT);
    expect(now.treatment.successes / now.treatment.trials).toBeCloseTo(0.1, 2);
    expect(now.control.successes / now.control.trials).toBeCloseTo(0.01, 2);

    // Evaluated at the last scrape, with the series starting at 0, nothing is extrapolated.
    const lastScrapeSeconds = await queryValue(`max(timestamp(http_requests_total${selector}))`);
    const lastScrapeMs = Math.round(lastScrapeSeconds! * 1000);
    const treatment = await ratioAt(lastScrapeMs, 'treatment');
    const control = await ratioAt(lastScrapeMs, 'control');
    expect(treatment).toEqual({ ok: true, kind: 'counts', successes: 200, trials: 2000 });
    expect(control).toEqual({ ok: true, kind: 'counts', successes: 20, trials: 2000 });

    const verdict = evaluateGuardrail(
      ERROR_RATE_GUARDRAIL,
      aggregate(treatment),
      aggregate(control),
    );
    expect(verdict.verdict).toBe('fail');
    expect(verdict.bound).toBe('maxRelative');
  });

  it('reads an experiment without series as no data, which no guardrail passes', async () => {
    const result = await ratioAt(Date.now(), 'treatment', 'no-such-experiment');
    expect(result).toEqual({
      ok: true,
      kind: 'no_data',
      successes: 0,
      trials: 0,
      reason: 'denominator selected no series for no-such-experiment/treatment',
    });
    const verdict = evaluateGuardrail(ERROR_RATE_GUARDRAIL, aggregate(result), aggregate(result));
    expect(verdict.verdict).toBe('no_data');
  });

  it('reports an unreachable Prometheus as an error, not as no data', async () => {
    const closedPort = await freeLoopbackPort();
    const unreachable = new PrometheusClient({ baseUrl: `http://127.0.0.1:${closedPort}` });
    const vars = { experiment: EXPERIMENT, variant: 'treatment', rangeMs: 60_000 } as const;
    const result = await unreachable.ratio(NUMERATOR, DENOMINATOR, vars, Date.now());
    expect(result).toMatchObject({ ok: false, kind: 'error' });
    expect(!result.ok && result.error).toContain(
      `denominator: Prometheus at http://127.0.0.1:${closedPort}/api/v1/query unreachable: connect ECONNREFUSED`,
    );
  });

  it("reports a query Prometheus rejects with Prometheus' own error", async () => {
    const unclosed = NUMERATOR.slice(0, -1);
    const vars = { experiment: EXPERIMENT, variant: 'control', rangeMs: 60_000 } as const;
    const result = await client.ratio(unclosed, DENOMINATOR, vars, Date.now());
    expect(result).toMatchObject({ ok: false, kind: 'error' });
    expect(!result.ok && result.error).toMatch(
      /^numerator: Prometheus answered HTTP 400: bad_data: .*parse error: unclosed left parenthesis/,
    );

    const rangeVector = 'http_requests_total{experiment="{{experiment}}"}[{{range}}]';
    const matrix = await client.ratio(NUMERATOR, rangeVector, vars, Date.now());
    expect(matrix).toEqual({
      ok: false,
      kind: 'error',
      error: 'denominator: PromQL must give a vector or scalar, got matrix',
    });
  });

  it('counts nothing of what a series held when Prometheus first scraped it', async () => {
    // Prometheus 2.x has no created timestamps: a labelled counter that appears already at 500
    // is a baseline, not 500 increments. Exporters must initialise their series at 0.
    const late = { experiment: 'late-start', variant: 'treatment' };
    requests.inc(late, 500);
    errors.inc(late, 50);
    await vi.waitFor(async () => {
      const samples = await queryValue(
        'count_over_time(http_requests_total{experiment="late-start"}[1m])',
      );
      expect(samples).toBeGreaterThanOrEqual(2);
    }, WAIT);
    expect(await ratioAt(Date.now(), 'treatment', 'late-start')).toEqual({
      ok: true,
      kind: 'no_data',
      successes: 0,
      trials: 0,
      reason: 'denominator counted nothing for late-start/treatment',
    });
  });
});
