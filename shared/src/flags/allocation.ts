// DESIGN §2, §5: a layer's bucket space is shared by its experiments, and each bucket is held by
// at most one of them, so no unit is exposed by two experiments of one layer. Exposure is sticky:
// an experiment only ever grows its allocation until it is released (rolled back, aborted or
// completed), so a unit exposed at one stage stays exposed at every later stage.
//
// Which free buckets an experiment claims: each experiment scans the ring of buckets from its own
// starting point, a hash of its key, and takes free buckets in that order. Lowest-free-first would
// hand every new experiment the very buckets the previous one just released, so its treatment
// group would be the units whose earlier treatment was just withdrawn (carry-over bias), and the
// same low-bucket users would be first in line for every experiment in the layer. A per-key start
// spreads successive experiments over the layer, while a contiguous scan keeps an allocation to a
// few ranges, and growth mostly extends the experiment's own block.

import { BUCKETS } from './bucket';
import type { Allocation, BucketRange } from './bucket-ranges';
import { countBuckets, markBuckets, rangesFromMask } from './bucket-ranges';
import { murmur3x86_32String } from './murmur3';

/** Experiment key → its allocation, for every experiment of one layer that holds buckets. */
export type LayerAllocations = ReadonlyMap<string, Allocation>;

export type GrowError =
  | { code: 'LAYER_FULL'; neededBuckets: number; freeBuckets: number; message: string }
  | { code: 'WOULD_SHRINK'; heldBuckets: number; targetBuckets: number; message: string };

export type GrowResult = { ok: true; allocation: BucketRange[] } | { ok: false; error: GrowError };

// A seed of its own, so an experiment's starting bucket is unrelated to any unit's bucket.
const START_SEED = 0x52756e77; // "Runw"

/** Buckets an experiment holds at `percent` of its layer, at 0.01% resolution. */
export function bucketsForPercent(percent: number): number {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percent must be between 0 and 100, got ${percent}`);
  }
  return Math.round((percent * BUCKETS) / 100);
}

export function percentOfBuckets(buckets: number): number {
  return (buckets * 100) / BUCKETS;
}

/** Where the experiment's scan for free buckets begins. */
export function allocationStartOf(experimentKey: string): number {
  return murmur3x86_32String(experimentKey, START_SEED) % BUCKETS;
}

function heldMask(layer: LayerAllocations): Uint8Array {
  const mask = new Uint8Array(BUCKETS);
  for (const ranges of layer.values()) markBuckets(mask, ranges);
  return mask;
}

/** Buckets no experiment of the layer holds. */
export function freeBucketCount(layer: LayerAllocations): number {
  return BUCKETS - countBuckets(rangesFromMask(heldMask(layer)));
}

/**
 * The experiment's allocation at `targetPercent`: every range it already holds plus enough free
 * buckets to reach bucketsForPercent(targetPercent). Refuses, naming the free space, when the layer
 * lacks room; refuses to shrink, since shrinking would drop exposed units (release instead).
 */
export function growAllocation(
  layer: LayerAllocations,
  experimentKey: string,
  targetPercent: number,
): GrowResult {
  const targetBuckets = bucketsForPercent(targetPercent);
  const ownMask = new Uint8Array(BUCKETS);
  markBuckets(ownMask, layer.get(experimentKey) ?? []);
  const own = rangesFromMask(ownMask);
  const heldBuckets = countBuckets(own);

  if (targetBuckets < heldBuckets) {
    const message =
      `holds ${heldBuckets} buckets (${percentOfBuckets(heldBuckets)}%), ` +
      `cannot shrink to ${targetBuckets} (${percentOfBuckets(targetBuckets)}%) without un-exposing units`;
    return { ok: false, error: { code: 'WOULD_SHRINK', heldBuckets, targetBuckets, message } };
  }

  const taken = heldMask(layer);
  const freeBuckets = BUCKETS - countBuckets(rangesFromMask(taken));
  const neededBuckets = targetBuckets - heldBuckets;
  if (neededBuckets > freeBuckets) {
    const message =
      `needs ${neededBuckets} more buckets (${percentOfBuckets(neededBuckets)}%), ` +
      `only ${freeBuckets} (${percentOfBuckets(freeBuckets)}%) are free`;
    return { ok: false, error: { code: 'LAYER_FULL', neededBuckets, freeBuckets, message } };
  }

  const start = allocationStartOf(experimentKey);
  let remaining = neededBuckets;
  for (let step = 0; step < BUCKETS && remaining > 0; step++) {
    const bucket = (start + step) % BUCKETS;
    if (taken[bucket] === 0) {
      ownMask[bucket] = 1;
      remaining--;
    }
  }
  return { ok: true, allocation: rangesFromMask(ownMask) };
}

/** The layer without the experiment's buckets: for rolled back, aborted and completed. */
export function releaseAllocation(
  layer: LayerAllocations,
  experimentKey: string,
): Map<string, Allocation> {
  const next = new Map(layer);
  next.delete(experimentKey);
  return next;
}
