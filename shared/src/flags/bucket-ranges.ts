// An allocation is a sorted list of disjoint, non-adjacent half-open bucket ranges [start, end).
// Ranges rather than bucket sets keep a stored allocation small and readable ("buckets
// 3120-5620"), and a binary search keeps evaluation O(log ranges).

import { BUCKETS } from './bucket';

export interface BucketRange {
  readonly start: number;
  readonly end: number;
}

export type Allocation = readonly BucketRange[];

/** True when every range is integral, inside [0, BUCKETS), non-empty, sorted and not touching. */
export function isCanonicalAllocation(ranges: Allocation): boolean {
  let previousEnd = -1;
  for (const { start, end } of ranges) {
    if (!Number.isInteger(start) || !Number.isInteger(end)) return false;
    if (start < 0 || end > BUCKETS || start >= end || start <= previousEnd) return false;
    previousEnd = end;
  }
  return true;
}

export function countBuckets(ranges: Allocation): number {
  let total = 0;
  for (const { start, end } of ranges) total += end - start;
  return total;
}

/** Binary search; assumes a canonical allocation. */
export function containsBucket(ranges: Allocation, bucket: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const range = ranges[middle]!;
    if (bucket < range.start) high = middle - 1;
    else if (bucket >= range.end) low = middle + 1;
    else return true;
  }
  return false;
}

/** Sets `mask[b] = 1` for every bucket b in the ranges, clamped to the bucket space. */
export function markBuckets(mask: Uint8Array, ranges: Allocation): void {
  for (const { start, end } of ranges) {
    mask.fill(1, Math.max(0, start), Math.min(BUCKETS, end));
  }
}

/** The canonical ranges of the buckets set in `mask`. */
export function rangesFromMask(mask: Uint8Array): BucketRange[] {
  const ranges: BucketRange[] = [];
  let start = -1;
  for (let bucket = 0; bucket <= mask.length; bucket++) {
    const set = bucket < mask.length && mask[bucket] === 1;
    if (set && start < 0) start = bucket;
    if (!set && start >= 0) {
      ranges.push({ start, end: bucket });
      start = -1;
    }
  }
  return ranges;
}

/** Sorts, merges overlapping or touching ranges and drops empty ones. */
export function normalizeAllocation(ranges: Allocation): BucketRange[] {
  const mask = new Uint8Array(BUCKETS);
  markBuckets(mask, ranges);
  return rangesFromMask(mask);
}
