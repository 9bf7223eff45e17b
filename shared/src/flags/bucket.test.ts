import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketInput, bucketOf } from './bucket';

// Golden values: any client (OFREP-side SDK, analysis notebook) must reproduce these exactly.
const BUCKET_VECTORS: [layer: string, targetingKey: string, bucket: number][] = [
  ['checkout-ui', 'user-1', 4888],
  ['checkout-ui', 'user-2', 6852],
  ['checkout-ui', 'alice@example.com', 9193],
  ['checkout-ui', 'Zoë 🚀', 8242],
  ['search', 'user-1', 6454],
];

describe('bucketOf', () => {
  it.each(BUCKET_VECTORS)('puts (%j, %j) in bucket %d', (layer, targetingKey, bucket) => {
    expect(bucketOf(layer, targetingKey)).toBe(bucket);
  });

  it('hashes the layer and the targeting key joined by a NUL', () => {
    expect(bucketInput('checkout-ui', 'user-1')).toBe('checkout-ui\u0000user-1');
  });

  it('is a deterministic integer in [0, BUCKETS) for any strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (layer, targetingKey) => {
        const bucket = bucketOf(layer, targetingKey);
        const inRange = Number.isInteger(bucket) && bucket >= 0 && bucket < BUCKETS;
        return inRange && bucketOf(layer, targetingKey) === bucket;
      }),
    );
  });

  it('spreads 100,000 sequential keys evenly over the bucket space', () => {
    const groups = 100;
    const counts = new Array<number>(groups).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const group = Math.floor((bucketOf('checkout-ui', `user-${i}`) * groups) / BUCKETS);
      counts[group]!++;
    }
    const expected = 100_000 / groups;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: 148.2 is the 99.9th percentile of the chi-square distribution.
    expect(chiSquare).toBeLessThan(148.2);
  });

  it('slices each layer independently of the others', () => {
    let lowInBoth = 0;
    for (let i = 0; i < 100_000; i++) {
      const lowInA = bucketOf('checkout-ui', `user-${i}`) < BUCKETS / 2;
      const lowInB = bucketOf('search', `user-${i}`) < BUCKETS / 2;
      if (lowInA && lowInB) lowInBoth++;
    }
    expect(Math.abs(lowInBoth / 100_000 - 0.25)).toBeLessThan(0.01);
  });
});
