import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';
import type { MetricPoint } from './metric-point';
import { parseOtlpMetricsJson } from './otlp-json';
import { exportMetricsResponse } from './otlp-response';
import { otlpFixture, TIME_MS } from './otlp-test-fixtures';

const NOW = Date.parse('2026-11-22T09:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** The start of a 10-second window a while before NOW. */
const T0 = NOW - 10 * MINUTE;

let dir: string;
let dbPath: string;
let runway: Runway;

function open(): Runway {
  return createRunway({ dbPath, clock: new ManualClock(NOW) });
}

function enqueue(...keys: string[]): void {
  const created = runway.auth.createToken(
    { name: 'alice', role: 'operator' },
    { userId: null, name: 'setup', role: 'admin' },
  );
  const alice = runway.auth.authenticate(created.token)!;
  const specs = keys.map((key) => ({
    key,
    title: key,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 100, hold: '10m' }],
  }));
  runway.experiments.enqueue({ specs }, alice);
}

function point(timeMs: number, overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    service: 'checkout',
    experiment: 'checkout-redesign',
    variant: 'treatment',
    metric: 'checkout.orders',
    kind: 'sum',
    temporality: 'delta',
    monotonic: true,
    timeUnixMs: timeMs,
    startTimeUnixMs: timeMs - SECOND,
    value: 1,
    attributes: {},
    ...overrides,
  };
}

const cumulative = (timeMs: number, value: number, startMs = T0 - MINUTE): MetricPoint =>
  point(timeMs, { temporality: 'cumulative', value, startTimeUnixMs: startMs });

function histogram(timeMs: number, bucketCounts: number[], bounds = [100, 250]): MetricPoint {
  const count = bucketCounts.reduce((a, b) => a + b, 0);
  return point(timeMs, {
    metric: 'http.server.request.duration',
    kind: 'histogram',
    monotonic: false,
    value: undefined,
    count,
    sum: count * 50,
    min: 5,
    max: 400,
    bucketCounts,
    explicitBounds: bounds,
  });
}

const orders = (fromMs = T0 - DAY, toMs = NOW + DAY) =>
  runway.telemetry.aggregate('checkout-redesign', 'treatment', 'checkout.orders', fromMs, toMs);

const tableCount = (table: string): number =>
  runway.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-telemetry-'));
  dbPath = join(dir, 'runway.db');
  runway = open();
  enqueue('checkout-redesign', 'search-ranking');
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rollups', () => {
  it('sums delta points per window, across requests, and reads them back over a range', () => {
    const first = runway.telemetry.ingest(
      [point(T0 + 1_000, { value: 3 }), point(T0 + 9_000, { value: 4 }), point(T0 + 12_000)],
      NOW,
    );
    expect(first).toMatchObject({ accepted: 3, rejected: 0, problems: [], rollupsWritten: 2 });
    runway.telemetry.ingest([point(T0 + 5_000, { value: 10, attributes: { outcome: 'x' } })], NOW);

    expect(orders()).toEqual({
      windows: 2,
      sum: { total: 18, points: 4 },
      gauge: null,
      histogram: null,
    });
    expect(orders(T0, T0 + 10_000).sum).toEqual({ total: 17, points: 3 });
    expect(orders(T0 + 10_000, T0 + 20_000).sum).toEqual({ total: 1, points: 1 });
    expect(
      runway.telemetry.aggregate('checkout-redesign', 'control', 'checkout.orders', 0, NOW),
    ).toMatchObject({ windows: 0, sum: null });
    expect(tableCount('telemetry_rollups')).toBe(2);
  });

  it('keeps min, max, sum, count and the latest value of gauges', () => {
    const gauge = (timeMs: number, value: number): MetricPoint =>
      point(timeMs, { kind: 'gauge', temporality: null, monotonic: false, value, metric: 'q' });
    runway.telemetry.ingest([gauge(T0 + 3_000, 7), gauge(T0 + 1_000, 2)], NOW);
    runway.telemetry.ingest([gauge(T0 + 2_000, 9), gauge(T0 + 15_000, 4)], NOW);
    const read = runway.telemetry.aggregate('checkout-redesign', 'treatment', 'q', T0, NOW);
    expect(read.gauge).toEqual({
      min: 2,
      max: 9,
      sum: 22,
      count: 4,
      last: 4,
      lastTimeMs: T0 + 15_000,
    });
    const firstWindow = runway.telemetry.aggregate(
      'checkout-redesign',
      'treatment',
      'q',
      T0,
      T0 + 10_000,
    );
    expect(firstWindow.gauge).toMatchObject({ last: 7, lastTimeMs: T0 + 3_000, count: 3 });
  });

  it('adds histogram buckets in the database, and keeps other bounds apart', () => {
    runway.telemetry.ingest([histogram(T0 + 1_000, [1, 2, 3])], NOW);
    runway.telemetry.ingest(
      [histogram(T0 + 2_000, [4, 0, 1]), histogram(T0 + 11_000, [0, 1, 0])],
      NOW,
    );
    runway.telemetry.ingest([histogram(T0 + 3_000, [1, 1], [500])], NOW);
    const read = runway.telemetry.aggregate(
      'checkout-redesign',
      'treatment',
      'http.server.request.duration',
      T0,
      NOW,
    );
    expect(read.histogram).toEqual({
      explicitBounds: [100, 250],
      bucketCounts: [5, 3, 4],
      count: 12,
      sum: 600,
      summedCount: 12,
      min: 5,
      max: 400,
      otherBoundsCount: 2,
    });
  });

  it('parses and ingests an SDK export end to end', () => {
    const parsed = parseOtlpMetricsJson(otlpFixture().body);
    const result = runway.telemetry.ingest(parsed.points, TIME_MS + MINUTE);
    // Cumulative sums and histograms only set their baselines in a first export.
    expect(result).toMatchObject({ accepted: 8, rejected: 0, baselines: 6 });
    const cpu = runway.telemetry.aggregate(
      'checkout-redesign',
      'treatment',
      'process.cpu.utilization',
      0,
      TIME_MS + MINUTE,
    );
    expect(cpu.gauge).toMatchObject({ last: 0.42, count: 1 });
  });
});

describe('cumulative points', () => {
  it('turns cumulative totals into deltas across requests', () => {
    expect(runway.telemetry.ingest([cumulative(T0 + 1_000, 100)], NOW)).toMatchObject({
      accepted: 1,
      baselines: 1,
      rollupsWritten: 0,
    });
    runway.telemetry.ingest([cumulative(T0 + 11_000, 130)], NOW);
    runway.telemetry.ingest([cumulative(T0 + 21_000, 175)], NOW);
    expect(orders().sum).toEqual({ total: 75, points: 2 });
    expect(orders(T0 + 20_000, T0 + 30_000).sum).toEqual({ total: 45, points: 1 });
  });

  it('counts a reset (a new start time) as all new', () => {
    runway.telemetry.ingest([cumulative(T0 + 1_000, 100)], NOW);
    runway.telemetry.ingest([cumulative(T0 + 11_000, 130)], NOW);
    runway.telemetry.ingest([cumulative(T0 + 21_000, 12, T0 + 15_000)], NOW);
    runway.telemetry.ingest([cumulative(T0 + 31_000, 20, T0 + 15_000)], NOW);
    expect(orders().sum).toEqual({ total: 30 + 12 + 8, points: 3 });
  });

  it('ignores a retried export instead of counting it twice', () => {
    runway.telemetry.ingest([cumulative(T0 + 1_000, 100)], NOW);
    const again = [cumulative(T0 + 11_000, 130)];
    runway.telemetry.ingest(again, NOW);
    expect(runway.telemetry.ingest(again, NOW)).toMatchObject({ accepted: 1, stale: 1 });
    expect(orders().sum).toEqual({ total: 30, points: 1 });
  });

  it('keeps series state across a restart', () => {
    runway.telemetry.ingest([cumulative(T0 + 1_000, 100), histogram(T0, [1, 1, 1])], NOW);
    runway.close();
    runway = open();
    runway.telemetry.ingest([cumulative(T0 + 11_000, 142)], NOW);
    expect(orders().sum).toEqual({ total: 42, points: 1 });
    expect(tableCount('telemetry_series')).toBe(1);
  });
});

describe('rejections', () => {
  it('rejects points of unknown experiments, and remembers nothing about them', () => {
    const result = runway.telemetry.ingest(
      [
        point(T0, { experiment: 'nope' }),
        cumulative(T0, 5),
        { ...cumulative(T0, 5), experiment: 'nope' },
        point(T0, { experiment: 'other' }),
      ],
      NOW,
    );
    expect(result).toMatchObject({ accepted: 1, rejected: 3 });
    expect(exportMetricsResponse(result)).toEqual({
      partialSuccess: {
        rejectedDataPoints: '3',
        errorMessage:
          '3 data points rejected: runway.experiment "nope" is not a known experiment; 2 data points rejected; ' +
          'runway.experiment "other" is not a known experiment; 1 data point rejected',
      },
    });
    expect(tableCount('telemetry_series')).toBe(1);
    expect(runway.telemetry.lastSeen('nope')).toEqual([]);
  });

  it('rejects points older than the retention or far ahead of the clock', () => {
    const result = runway.telemetry.ingest(
      [point(NOW - 8 * DAY), point(NOW + 11 * MINUTE), point(NOW + MINUTE)],
      NOW,
    );
    expect(result.rejected).toBe(2);
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'timeUnixNano is older than the telemetry retention (7 days); 1 data point rejected',
      "timeUnixNano is more than 10 minutes ahead of the server's clock; 1 data point rejected",
    ]);
    expect(orders().sum).toEqual({ total: 1, points: 1 });
  });
});

describe('last seen and retention', () => {
  it('records when each arm last sent telemetry', () => {
    runway.telemetry.ingest([point(T0), point(T0 + 5_000), point(T0, { variant: 'control' })], NOW);
    runway.telemetry.ingest([point(T0 + 1_000)], NOW + 1);
    expect(runway.telemetry.lastSeen('checkout-redesign')).toEqual([
      { variant: 'control', receivedAtMs: NOW, lastPointTimeMs: T0 },
      { variant: 'treatment', receivedAtMs: NOW + 1, lastPointTimeMs: T0 + 5_000 },
    ]);
  });

  it('prunes rollups and series older than the cutoff, and keeps the rest', () => {
    const old = NOW - 6 * DAY;
    runway.telemetry.ingest(
      [point(old), cumulative(old, 10), point(T0), { ...cumulative(T0, 1), metric: 'other' }],
      NOW,
    );
    expect(runway.telemetry.pruneExpired(NOW + 2 * DAY)).toEqual({ rollups: 1, series: 1 });
    expect(orders().sum).toEqual({ total: 1, points: 1 });
    expect(tableCount('telemetry_series')).toBe(1);
    expect(runway.telemetry.prune(NOW)).toEqual({ rollups: 1, series: 1 });
    expect(tableCount('telemetry_rollups')).toBe(0);
  });
});
