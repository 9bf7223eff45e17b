// DESIGN §5: evaluation is deterministic from (layer, targetingKey). A unit's bucket depends on the
// layer too, so two layers slice the same population independently (exposure in one layer tells
// nothing about exposure in another), while every experiment inside one layer sees the unit in
// the same bucket, which is what makes exclusive allocation of buckets mean exclusive exposure.

import { murmur3x86_32String } from './murmur3';

/** Buckets per layer: 0.01% resolution for stage percents. */
export const BUCKETS = 10_000;

/**
 * What clients hash: the layer, a NUL, the targeting key. NUL cannot appear in a layer name a
 * person types, so the boundary between the two parts is unambiguous.
 */
export function bucketInput(layer: string, targetingKey: string): string {
  return `${layer}\u0000${targetingKey}`;
}

/**
 * The unit's bucket in [0, BUCKETS). Reducing a 32-bit hash modulo 10,000 favours the lowest
 * 7,296 buckets by one part in 429,497 (2^32 = 429,496 * 10,000 + 7,296): far below sampling noise.
 */
export function bucketOf(layer: string, targetingKey: string): number {
  return murmur3x86_32String(bucketInput(layer, targetingKey)) % BUCKETS;
}
