import { describe, expect, it } from 'vitest';
import { cumulativeToDelta, seriesKey, type CumulativeState } from './cumulative-to-delta';
import type { MetricPoint } from './metric-point';

const START = 1_767_268_800_000;
const MINUTE = 60_000;

function counter(
  minutes: number,
  value: number,
  overrides: Partial<MetricPoint> = {},
): MetricPoint {
  return {
    service: 'checkout',
    experiment: 'checkout-redesign',
    variant: 'treatment',
    metric: 'checkout.orders',
    kind: 'sum',
    temporality: 'cumulative',
    monotonic: true,
    timeUnixMs: START + minutes * MINUTE,
    startTimeUnixMs: START,
    value,
    attributes: { outcome: 'ok', region: 'eu' },
    ...overrides,
  };
}

function histogram(
  minutes: number,
  bucketCounts: number[],
  overrides: Partial<MetricPoint> = {},
): MetricPoint {
  return {
    ...counter(minutes, 0),
    metric: 'http.server.request.duration',
    kind: 'histogram',
    monotonic: false,
    value: undefined,
    count: bucketCounts.reduce((a, b) => a + b, 0),
    sum: bucketCounts.reduce((a, b) => a + b, 0) * 10,
    min: 1,
    max: 99,
    bucketCounts,
    explicitBounds: [10, 100],
    ...overrides,
  };
}

const EMPTY: CumulativeState = new Map();

describe('cumulativeToDelta', () => {
  it('takes the first point as the baseline and differences the next ones', () => {
    const first = cumulativeToDelta([counter(1, 100)], EMPTY);
    expect(first).toMatchObject({ points: [], baselines: 1, stale: 0 });
    const second = cumulativeToDelta([counter(2, 130), counter(3, 175)], first.state);
    expect(second.points).toEqual([
      { ...counter(2, 30), temporality: 'delta', startTimeUnixMs: START + MINUTE },
      { ...counter(3, 45), temporality: 'delta', startTimeUnixMs: START + 2 * MINUTE },
    ]);
    expect(second.state.get(seriesKey(counter(3, 0)))?.value).toBe(175);
  });

  it('does not change the state it was given', () => {
    const first = cumulativeToDelta([counter(1, 100)], EMPTY);
    cumulativeToDelta([counter(2, 130)], first.state);
    expect(EMPTY.size).toBe(0);
    expect(first.state.get(seriesKey(counter(1, 0)))?.value).toBe(100);
  });

  it('treats a new start time as a reset: the new total is the delta', () => {
    const { state } = cumulativeToDelta([counter(1, 100)], EMPTY);
    const restarted = counter(3, 12, { startTimeUnixMs: START + 2 * MINUTE });
    expect(cumulativeToDelta([restarted], state).points).toEqual([
      { ...restarted, temporality: 'delta' },
    ]);
  });

  it('treats a monotonic total that went down as a reset, even without start times', () => {
    const noStart = { startTimeUnixMs: null };
    const { state } = cumulativeToDelta([counter(1, 100, noStart)], EMPTY);
    const result = cumulativeToDelta([counter(2, 5, noStart), counter(3, 9, noStart)], state);
    expect(result.points.map((point) => [point.value, point.startTimeUnixMs])).toEqual([
      [5, START + MINUTE],
      [4, START + 2 * MINUTE],
    ]);
  });

  it('lets an up-down counter go down without calling it a reset', () => {
    const upDown = { monotonic: false };
    const { state } = cumulativeToDelta([counter(1, 100, upDown)], EMPTY);
    expect(cumulativeToDelta([counter(2, 80, upDown)], state).points[0]?.value).toBe(-20);
  });

  it('drops a point no newer than the last one (a retried export)', () => {
    const { state } = cumulativeToDelta([counter(1, 100), counter(2, 120)], EMPTY);
    const retried = cumulativeToDelta([counter(2, 120), counter(1, 100)], state);
    expect(retried).toMatchObject({ points: [], stale: 2 });
    expect(retried.state.get(seriesKey(counter(2, 0)))?.value).toBe(120);
  });

  it('keeps series apart by arm, metric and attributes, whatever the attribute order', () => {
    const { state } = cumulativeToDelta(
      [counter(1, 100), counter(1, 50, { variant: 'control' })],
      EMPTY,
    );
    const reordered = counter(2, 110, { attributes: { region: 'eu', outcome: 'ok' } });
    const result = cumulativeToDelta(
      [reordered, counter(2, 51, { variant: 'control' }), counter(2, 7, { metric: 'other' })],
      state,
    );
    expect(result.points.map((point) => point.value)).toEqual([10, 1]);
    expect(result.baselines).toBe(1);
  });

  it('passes delta sums and gauges through untouched', () => {
    const delta = counter(1, 3, { temporality: 'delta' });
    const gauge = counter(1, 0.4, { kind: 'gauge', temporality: null, monotonic: false });
    const result = cumulativeToDelta([delta, gauge], EMPTY);
    expect(result.points).toEqual([delta, gauge]);
    expect(result.state.size).toBe(0);
  });

  it('differences histogram counts, sums and buckets, dropping min and max', () => {
    const { state } = cumulativeToDelta([histogram(1, [1, 4, 0])], EMPTY);
    const [delta] = cumulativeToDelta([histogram(2, [3, 6, 1])], state).points;
    expect(delta).toEqual({
      ...histogram(2, [2, 2, 1]),
      min: undefined,
      max: undefined,
      startTimeUnixMs: START + MINUTE,
      temporality: 'delta',
    });
    expect(delta).not.toHaveProperty('min');
  });

  it('treats a histogram whose buckets went down or changed shape as a reset', () => {
    const { state } = cumulativeToDelta([histogram(1, [5, 5, 5])], EMPTY);
    const fewer = histogram(2, [6, 1, 5]);
    const rebucketed = histogram(2, [1, 1, 1], { explicitBounds: [5, 50] });
    expect(cumulativeToDelta([fewer], state).points).toEqual([
      { ...fewer, temporality: 'delta', startTimeUnixMs: START },
    ]);
    expect(cumulativeToDelta([rebucketed], state).points[0]).toMatchObject({
      count: 3,
      bucketCounts: [1, 1, 1],
    });
  });
});
