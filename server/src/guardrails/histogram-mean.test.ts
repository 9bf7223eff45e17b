import { describe, expect, it } from 'vitest';
import { histogramMean } from './guardrail-service';

describe('histogramMean (the stand-in for latency percentiles until a quantile estimator)', () => {
  it('is empty without a histogram or without summed observations', () => {
    const empty = { kind: 'mean', count: 0, sum: 0, sumSquares: 0 };
    expect(histogramMean(null)).toEqual(empty);
  });

  it('keeps the exact mean and takes the spread from the bucket midpoints', () => {
    const aggregate = histogramMean({
      explicitBounds: [100, 200],
      bucketCounts: [10, 10, 0],
      count: 20,
      sum: 20 * 100,
      summedCount: 20,
      min: 0,
      max: 200,
      otherBoundsCount: 0,
    });
    expect(aggregate.count).toBe(20);
    expect(aggregate.sum / aggregate.count).toBe(100);
    // midpoints 50 and 150 around a mean of 100: sample variance 20 * 50² / 19
    const variance = (aggregate.sumSquares - aggregate.count * 100 ** 2) / (aggregate.count - 1);
    expect(variance).toBeCloseTo((20 * 2_500) / 19, 6);
  });
});
