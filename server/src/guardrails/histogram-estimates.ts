import type { HistogramAggregate } from '../telemetry/telemetry-aggregate';
import type { MeanAggregate, QuantileAggregate } from './sli-estimates';

// A histogram arm as the sequential test needs it: a quantile (latency p95/p99) or a mean, each
// with the spread of one observation. Pure, over the summed buckets of the arm's window.

interface Bucket {
  readonly count: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The histogram's buckets with finite edges. OTLP buckets are (bounds[i-1], bounds[i]], the first
 * open below and the last open above; the open edges come from the reported min/max, else the
 * first bucket starts at 0 (latencies and sizes are not negative) and the last one is taken as
 * wide as its neighbour — a guess, but a wide one, so it widens the interval rather than narrows.
 */
function bucketsOf(histogram: HistogramAggregate): Bucket[] {
  const { explicitBounds: bounds, bucketCounts } = histogram;
  const first = bounds[0] ?? 0;
  const last = bounds[bounds.length - 1] ?? 0;
  const neighbourWidth = bounds.length >= 2 ? last - (bounds[bounds.length - 2] ?? last) : 1;
  return bucketCounts.map((count, index) => {
    const lower =
      index === 0 ? Math.min(histogram.min ?? Math.min(0, first), first) : bounds[index - 1]!;
    const upper =
      index === bounds.length
        ? Math.max(histogram.max ?? last + neighbourWidth, last)
        : bounds[index]!;
    return { count, lower, upper };
  });
}

/**
 * Bandwidth of the sparsity estimate in standard errors of the quantile's rank. A plug-in
 * density from the one bucket holding the quantile was too noisy at a few hundred samples (its
 * always-valid intervals missed the truth in 7% of A/A runs at alpha 5%); differencing the
 * quantiles about two standard errors of rank either side is the usual steadier choice.
 */
const SPARSITY_BANDWIDTH_SE = 1.96;

/**
 * The q-quantile by linear interpolation inside the bucket that holds it (as Prometheus'
 * histogram_quantile does), with the asymptotic variance of a sample quantile,
 * q(1 − q) · s², where the sparsity s = 1 / f(Q) is estimated by differencing the quantiles at
 * q ± h (Siddiqui's estimator) with h two standard errors of the rank, sqrt(q(1 − q) / n).
 */
export function histogramQuantile(
  histogram: HistogramAggregate | null,
  quantile: number,
): QuantileAggregate {
  const empty: QuantileAggregate = {
    kind: 'quantile',
    quantile,
    count: 0,
    value: 0,
    unitVariance: 0,
  };
  if (!histogram) return empty;
  const buckets = bucketsOf(histogram);
  const count = buckets.reduce((total, bucket) => total + bucket.count, 0);
  if (count <= 0) return empty;
  const value = interpolatedQuantile(buckets, count, quantile);
  const bandwidth = SPARSITY_BANDWIDTH_SE * Math.sqrt((quantile * (1 - quantile)) / count);
  const low = Math.max(0, quantile - bandwidth);
  const high = Math.min(1, quantile + bandwidth);
  let sparsity =
    (interpolatedQuantile(buckets, count, high) - interpolatedQuantile(buckets, count, low)) /
    (high - low);
  if (!(sparsity > 0)) {
    // Every observation in one point-like bucket: borrow the narrowest bucket's width.
    sparsity = narrowest(buckets) * count;
  }
  return {
    kind: 'quantile',
    quantile,
    count,
    value,
    unitVariance: quantile * (1 - quantile) * sparsity * sparsity,
  };
}

function interpolatedQuantile(buckets: readonly Bucket[], count: number, quantile: number): number {
  const rank = quantile * count;
  let below = 0;
  let holding = buckets[buckets.length - 1]!;
  for (const bucket of buckets) {
    if (bucket.count > 0 && below + bucket.count >= rank) {
      holding = bucket;
      break;
    }
    below += bucket.count;
  }
  const within = holding.count > 0 ? Math.min(1, Math.max(0, (rank - below) / holding.count)) : 1;
  return holding.lower + (holding.upper - holding.lower) * within;
}

function narrowest(buckets: readonly Bucket[]): number {
  const widths = buckets
    .filter((bucket) => bucket.count > 0 && bucket.upper > bucket.lower)
    .map((bucket) => bucket.upper - bucket.lower);
  return widths.length > 0 ? Math.min(...widths) : 1;
}

/**
 * A histogram as a mean aggregate. Histograms carry no sum of squares, so the variance is taken
 * from the bucket midpoints (the open edges as in bucketsOf). The mean itself is exact.
 */
export function histogramMean(histogram: HistogramAggregate | null): MeanAggregate {
  if (!histogram || histogram.summedCount <= 0)
    return { kind: 'mean', count: 0, sum: 0, sumSquares: 0 };
  const { sum, summedCount: count } = histogram;
  const mean = sum / count;
  let squaredDeviations = 0;
  let bucketed = 0;
  for (const bucket of bucketsOf(histogram)) {
    if (bucket.count <= 0) continue;
    squaredDeviations += bucket.count * ((bucket.lower + bucket.upper) / 2 - mean) ** 2;
    bucketed += bucket.count;
  }
  const variance = bucketed > 1 ? squaredDeviations / (bucketed - 1) : 0;
  return { kind: 'mean', count, sum, sumSquares: (count - 1) * variance + count * mean * mean };
}
