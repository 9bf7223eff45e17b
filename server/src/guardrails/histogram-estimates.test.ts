import { describe, expect, it } from 'vitest';
import type { HistogramAggregate } from '../telemetry/telemetry-aggregate';
import { histogramMean, histogramQuantile } from './histogram-estimates';
import { logNormalSampler, mulberry32, quantileStream } from './guardrail-simulation';
import type { QuantileAggregate } from './sli-estimates';

function histogram(bounds: number[], counts: number[], extra: Partial<HistogramAggregate> = {}) {
  const count = counts.reduce((total, value) => total + value, 0);
  return {
    explicitBounds: bounds,
    bucketCounts: counts,
    count,
    sum: 0,
    summedCount: 0,
    min: null,
    max: null,
    otherBoundsCount: 0,
    ...extra,
  };
}

describe('histogramQuantile', () => {
  it('is empty without a histogram or without observations', () => {
    expect(histogramQuantile(null, 0.95).count).toBe(0);
    expect(histogramQuantile(histogram([10], [0, 0]), 0.95).count).toBe(0);
  });

  it('interpolates inside the bucket that holds the quantile, as histogram_quantile does', () => {
    // 100 observations: 90 in (0, 100], 10 in (100, 200]. The 95th is halfway through the second.
    const p95 = histogramQuantile(histogram([100, 200], [90, 10, 0]), 0.95);
    expect(p95.count).toBe(100);
    expect(p95.value).toBeCloseTo(150, 6);
    const median = histogramQuantile(histogram([100, 200], [90, 10, 0]), 0.5);
    expect(median.value).toBeCloseTo((50 / 90) * 100, 6);
  });

  it('takes the open top bucket up to the reported max, else as wide as its neighbour', () => {
    const withMax = histogramQuantile(histogram([100, 200], [0, 0, 10], { max: 400 }), 0.5);
    expect(withMax.value).toBeCloseTo(300, 6);
    const withoutMax = histogramQuantile(histogram([100, 200], [0, 0, 10]), 0.5);
    expect(withoutMax.value).toBeCloseTo(250, 6);
  });

  it('has a variance that matches the spread of the estimate across repeated samples', () => {
    const random = mulberry32(7);
    const estimates: QuantileAggregate[] = [];
    for (let run = 0; run < 400; run += 1) {
      const stream = quantileStream(logNormalSampler(random, 200, 1), 0.95);
      const empty = {
        kind: 'quantile',
        quantile: 0.95,
        count: 0,
        value: 0,
        unitVariance: 0,
      } as const;
      estimates.push(stream(empty, 2_000) as QuantileAggregate);
    }
    const values = estimates.map((estimate) => estimate.value);
    const mean = values.reduce((total, value) => total + value, 0) / values.length;
    const empirical =
      values.reduce((total, value) => total + (value - mean) ** 2, 0) / (values.length - 1);
    const predicted =
      estimates.reduce((total, estimate) => total + estimate.unitVariance / estimate.count, 0) /
      estimates.length;
    // The log-normal with mean 200 and CV 1 has its 95th percentile near 535 ms.
    expect(mean).toBeGreaterThan(480);
    expect(mean).toBeLessThan(590);
    expect(predicted / empirical).toBeGreaterThan(0.7);
    expect(predicted / empirical).toBeLessThan(1.6);
  });

  it('never reports a zero variance, even when every observation sits in one bucket', () => {
    const p95 = histogramQuantile(histogram([100, 200], [0, 50, 0]), 0.95);
    expect(p95.unitVariance).toBeGreaterThan(0);
  });
});

describe('histogramMean', () => {
  it('is empty without a histogram or without summed observations', () => {
    const empty = { kind: 'mean', count: 0, sum: 0, sumSquares: 0 };
    expect(histogramMean(null)).toEqual(empty);
  });

  it('keeps the exact mean and takes the spread from the bucket midpoints', () => {
    const aggregate = histogramMean(
      histogram([100, 200], [10, 10, 0], { sum: 20 * 100, summedCount: 20, min: 0, max: 200 }),
    );
    expect(aggregate.count).toBe(20);
    expect(aggregate.sum / aggregate.count).toBe(100);
    // midpoints 50 and 150 around a mean of 100: sample variance 20 * 50² / 19
    const variance = (aggregate.sumSquares - aggregate.count * 100 ** 2) / (aggregate.count - 1);
    expect(variance).toBeCloseTo((20 * 2_500) / 19, 6);
  });
});
