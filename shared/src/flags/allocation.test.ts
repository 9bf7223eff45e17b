import { describe, expect, it } from 'vitest';
import { BUCKETS } from './bucket';
import type { Allocation } from './bucket-ranges';
import { countBuckets, isCanonicalAllocation } from './bucket-ranges';
import type { GrowResult, LayerAllocations } from './allocation';
import {
  allocationStartOf,
  bucketsForPercent,
  freeBucketCount,
  growAllocation,
  releaseAllocation,
} from './allocation';

function grown(result: GrowResult): Allocation {
  if (!result.ok) throw new Error(result.error.message);
  return result.allocation;
}

const EMPTY: LayerAllocations = new Map();

describe('bucketsForPercent', () => {
  it.each([
    [0, 0],
    [0.01, 1],
    [0.29, 29],
    [1, 100],
    [5, 500],
    [33.333, 3333],
    [100, BUCKETS],
  ])('turns %d%% into %d buckets', (percent, buckets) => {
    expect(bucketsForPercent(percent)).toBe(buckets);
  });

  it.each([-1, 100.5, Number.NaN, Infinity])('refuses %d%%', (percent) => {
    expect(() => bucketsForPercent(percent)).toThrow(RangeError);
  });
});

describe('growAllocation', () => {
  it('claims free buckets from the experiment’s own starting point', () => {
    const start = allocationStartOf('checkout-v2');
    const allocation = grown(growAllocation(EMPTY, 'checkout-v2', 5));
    expect(countBuckets(allocation)).toBe(500);
    expect(isCanonicalAllocation(allocation)).toBe(true);
    expect(allocation.some((range) => range.start === start)).toBe(true);
  });

  it('starts different experiments at different points of the layer', () => {
    const starts = new Set(['a-1', 'b-2', 'c-3', 'd-4', 'e-5'].map(allocationStartOf));
    expect(starts.size).toBe(5);
  });

  it('wraps around the end of the bucket space in at most two ranges', () => {
    const key = ['checkout-v2', 'search-v3', 'cart-redesign'].find(
      (candidate) => allocationStartOf(candidate) > BUCKETS / 2,
    )!;
    const allocation = grown(growAllocation(EMPTY, key, 60));
    expect(allocation).toHaveLength(2);
    expect(allocation[0]!.start).toBe(0);
    expect(allocation[1]!.end).toBe(BUCKETS);
  });

  it('keeps what it holds and skips buckets held by others', () => {
    const other = grown(growAllocation(EMPTY, 'checkout-copy', 30));
    let layer: LayerAllocations = new Map([['checkout-copy', other]]);
    const first = grown(growAllocation(layer, 'checkout-v2', 25));
    layer = new Map([...layer, ['checkout-v2', first]]);
    const second = grown(growAllocation(layer, 'checkout-v2', 70));
    expect(countBuckets(second)).toBe(7000);
    expect(freeBucketCount(new Map([...layer, ['checkout-v2', second]]))).toBe(0);
    for (const { start, end } of first) {
      expect(second.some((range) => range.start <= start && end <= range.end)).toBe(true);
    }
  });

  it('returns the same allocation when already at the target', () => {
    const allocation = grown(growAllocation(EMPTY, 'checkout-v2', 25));
    const layer = new Map([['checkout-v2', allocation]]);
    expect(grown(growAllocation(layer, 'checkout-v2', 25))).toEqual(allocation);
  });

  it('says how much is free when the layer lacks room', () => {
    const layer = new Map([['checkout-copy', grown(growAllocation(EMPTY, 'checkout-copy', 80))]]);
    const result = growAllocation(layer, 'checkout-v2', 25);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'LAYER_FULL',
        neededBuckets: 2500,
        freeBuckets: 2000,
        message: 'needs 2500 more buckets (25%), only 2000 (20%) are free',
      },
    });
  });

  it('refuses to shrink, which would take exposure away from units', () => {
    const layer = new Map([['checkout-v2', grown(growAllocation(EMPTY, 'checkout-v2', 25))]]);
    const result = growAllocation(layer, 'checkout-v2', 5);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({
      code: 'WOULD_SHRINK',
      heldBuckets: 2500,
      targetBuckets: 500,
    });
  });

  it('does not modify the layer it is given', () => {
    const held = [{ start: 10, end: 20 }];
    const layer = new Map([['checkout-v2', held]]);
    grown(growAllocation(layer, 'checkout-v2', 50));
    expect(layer.get('checkout-v2')).toEqual([{ start: 10, end: 20 }]);
    expect(layer.size).toBe(1);
  });
});

describe('releaseAllocation', () => {
  it('frees the experiment’s buckets and leaves the others', () => {
    const a = grown(growAllocation(EMPTY, 'checkout-v2', 40));
    const layer = new Map([['checkout-v2', a]]);
    const b = grown(growAllocation(layer, 'checkout-copy', 60));
    const full = new Map([...layer, ['checkout-copy', b]]);
    const released = releaseAllocation(full, 'checkout-v2');
    expect(freeBucketCount(full)).toBe(0);
    expect(freeBucketCount(released)).toBe(4000);
    expect(released.get('checkout-copy')).toBe(b);
    expect(full.has('checkout-v2')).toBe(true);
  });
});
