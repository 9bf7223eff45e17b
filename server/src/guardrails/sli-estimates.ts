/**
 * One arm's telemetry over a guardrail's window, as plain counts the telemetry shell can sum
 * cheaply. `successes` is whatever the SLI counts (errors for error_rate, conversions for
 * conversion); a mean-like SLI (latency in ms) keeps the moments needed for its variance.
 */
export interface RatioAggregate {
  readonly kind: 'ratio';
  readonly successes: number;
  readonly trials: number;
}

export interface MeanAggregate {
  readonly kind: 'mean';
  readonly count: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * A quantile of one arm's observations (latency p95/p99 from histogram buckets): the estimate
 * and the asymptotic variance of one observation's contribution, q(1 − q) / f(Q)².
 */
export interface QuantileAggregate {
  readonly kind: 'quantile';
  readonly quantile: number;
  readonly count: number;
  readonly value: number;
  readonly unitVariance: number;
}

export type SliAggregate = RatioAggregate | MeanAggregate | QuantileAggregate;

/**
 * A normal estimate: its value, its sampling variance, and the variance of one unit's
 * contribution (`unitVariance`, so that variance ≈ unitVariance / n). The sequential test scales
 * its mixing prior by `unitVariance`, which keeps one default meaningful for error rates,
 * latencies in ms and relative changes alike.
 */
export interface NormalEstimate {
  readonly value: number;
  readonly variance: number;
  readonly unitVariance: number;
}

/**
 * Pseudo-counts added (half successes, half failures) to a proportion before taking its
 * variance, as Agresti and Coull do. Without them an arm with zero errors so far has zero
 * variance, and its interval collapses onto 0 and passes any `max` after the minimum sample.
 */
export const PROPORTION_PSEUDO_COUNT = 4;

export function sampleCount(aggregate: SliAggregate): number {
  return aggregate.kind === 'ratio' ? aggregate.trials : aggregate.count;
}

/** The arm's SLI (proportion or mean) with its variance; null without samples. */
export function armEstimate(aggregate: SliAggregate): NormalEstimate | null {
  if (aggregate.kind === 'ratio') {
    const { successes, trials } = aggregate;
    if (trials <= 0) return null;
    const smoothed = (successes + PROPORTION_PSEUDO_COUNT / 2) / (trials + PROPORTION_PSEUDO_COUNT);
    const unitVariance = smoothed * (1 - smoothed);
    return { value: successes / trials, variance: unitVariance / trials, unitVariance };
  }
  if (aggregate.kind === 'quantile') {
    const { count, value, unitVariance } = aggregate;
    return count > 0 ? { value, variance: unitVariance / count, unitVariance } : null;
  }
  const { count, sum, sumSquares } = aggregate;
  if (count <= 0) return null;
  const mean = sum / count;
  // Clamped because sumSquares - sum²/count can round a hair below zero for constant values.
  const unitVariance = count > 1 ? Math.max(0, (sumSquares - sum * mean) / (count - 1)) : 0;
  return { value: mean, variance: unitVariance / count, unitVariance };
}

/**
 * Half a success and half a failure added before taking a proportion's logarithm (the
 * Haldane–Anscombe correction), so an arm with no events yet has a finite log and a wide
 * interval rather than none: a treatment that stops converting must still be able to fail.
 */
const LOG_PROPORTION_CORRECTION = 0.5;

/**
 * The arm's SLI on the log scale by the delta method, Var(ln x̄) ≈ Var(x̄) / x̄². Null without
 * samples, or for a mean that is not positive (ratios to it mean nothing).
 */
export function logArmEstimate(aggregate: SliAggregate): NormalEstimate | null {
  if (aggregate.kind === 'ratio') {
    const { successes, trials } = aggregate;
    if (trials <= 0) return null;
    const corrected =
      (successes + LOG_PROPORTION_CORRECTION) / (trials + 2 * LOG_PROPORTION_CORRECTION);
    const unitVariance = (1 - corrected) / corrected;
    return { value: Math.log(corrected), variance: unitVariance / trials, unitVariance };
  }
  const linear = armEstimate(aggregate);
  if (!linear || !(linear.value > 0)) return null;
  const squared = linear.value * linear.value;
  return {
    value: Math.log(linear.value),
    variance: linear.variance / squared,
    unitVariance: linear.unitVariance / squared,
  };
}

/**
 * A proportion on the logit scale, ln(p / (1 − p)) with Var ≈ 1 / (n·p·(1 − p)), the scale on
 * which absolute bounds on a ratio SLI are judged: like the log for ratios, it keeps the
 * variance from collapsing when a rare event happens not to occur for a while, at either end
 * (an error rate near 0, a success rate near 1). Null for a mean or without trials.
 */
export function logitArmEstimate(aggregate: SliAggregate): NormalEstimate | null {
  if (aggregate.kind !== 'ratio' || aggregate.trials <= 0) return null;
  const { successes, trials } = aggregate;
  const corrected =
    (successes + LOG_PROPORTION_CORRECTION) / (trials + 2 * LOG_PROPORTION_CORRECTION);
  const unitVariance = 1 / (corrected * (1 - corrected));
  return {
    value: Math.log(corrected / (1 - corrected)),
    variance: unitVariance / trials,
    unitVariance,
  };
}

/**
 * treatment − control for independent arms: the absolute difference of two arm estimates, or,
 * of two log estimates, ln(treatment / control), the scale on which the relative bounds are
 * judged. The log scale rather than the delta method on t/c − 1 directly: for rare events t/c
 * is skewed and its plug-in variance shrinks exactly when treatment draws few events, which in
 * simulation made "treatment no worse than control" miss the truth (mostly by passing equal
 * arms) in 10.6% of A/A runs at alpha 0.05; on the log scale the variance grows instead.
 */
export function differenceEstimate(
  treatment: NormalEstimate,
  control: NormalEstimate,
): NormalEstimate {
  return {
    value: treatment.value - control.value,
    variance: treatment.variance + control.variance,
    unitVariance: treatment.unitVariance + control.unitVariance,
  };
}
