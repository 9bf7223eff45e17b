import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS } from './bucket';
import {
  containsBucket,
  countBuckets,
  isCanonicalAllocation,
  normalizeAllocation,
} from './bucket-ranges';

const rangeArb = fc
  .tuple(fc.integer({ min: 0, max: BUCKETS }), fc.integer({ min: 0, max: BUCKETS }))
  .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }));

describe('bucket ranges', () => {
  it('normalizes any ranges into a canonical allocation of the same buckets', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { maxLength: 8 }), fc.nat(BUCKETS - 1), (ranges, bucket) => {
        const allocation = normalizeAllocation(ranges);
        const naive = ranges.some(({ start, end }) => start <= bucket && bucket < end);
        return isCanonicalAllocation(allocation) && containsBucket(allocation, bucket) === naive;
      }),
    );
  });

  it('merges touching ranges and counts buckets once', () => {
    const allocation = normalizeAllocation([
      { start: 50, end: 60 },
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 55, end: 58 },
    ]);
    expect(allocation).toEqual([
      { start: 0, end: 20 },
      { start: 50, end: 60 },
    ]);
    expect(countBuckets(allocation)).toBe(30);
  });

  it.each([
    [[{ start: 10, end: 10 }]],
    [[{ start: -1, end: 10 }]],
    [[{ start: 0, end: BUCKETS + 1 }]],
    [[{ start: 0.5, end: 10 }]],
    [
      [
        { start: 20, end: 30 },
        { start: 0, end: 10 },
      ],
    ],
    [
      [
        { start: 0, end: 10 },
        { start: 10, end: 20 },
      ],
    ],
  ])('rejects %j as non-canonical', (ranges) => {
    expect(isCanonicalAllocation(ranges)).toBe(false);
  });
});
