import type { NormalEstimate } from './sli-estimates';

/**
 * Always-valid inference for guardrails (DESIGN §5): telemetry is judged continuously, so a
 * fixed-horizon z-test would be peeked at thousands of times and fail healthy experiments. The
 * mixture sequential probability ratio test (mSPRT; Johari, Pekelis & Walsh, "Always valid
 * inference", 2017/2022) keeps P(ever rejecting a true null) ≤ alpha however often it is looked
 * at, and inverting it gives a confidence sequence that covers the truth at every look at once.
 *
 * For an estimate x̄ ~ N(θ, V) and a normal mixing distribution N(θ0, τ²) over the alternative,
 *   Λ = sqrt(V / (V + τ²)) · exp( τ² (x̄ − θ0)² / (2 V (V + τ²)) ),
 * rejecting θ0 once Λ ≥ 1/alpha. The confidence sequence is every θ0 not rejected:
 *   |x̄ − θ0| < sqrt( 2 V (V + τ²) / τ² · (ln(1/alpha) + ½ ln((V + τ²) / V)) ).
 * V is a plug-in estimate, as in the paper's practical version; the guarantee is asymptotic.
 */

export const DEFAULT_ALPHA = 0.05;

/**
 * Mixing variance τ² in standardized units: (effect / per-unit standard deviation)², so the
 * absolute τ² is this times the estimate's unitVariance. The interval is tightest when
 * n·τ² ≈ 8 (n units per arm), so 0.005 aims the test at ~1,000–2,000 units per arm, where a
 * guardrail usually has to decide; away from there it widens slowly (about 7% wider than the
 * best τ² would give at 16,000 units, 12% at 300, 20% at 200).
 */
export const DEFAULT_MIXING_VARIANCE = 0.005;

export interface SequentialTestOptions {
  /** Chance of ever rejecting a true value over the whole monitoring period. */
  readonly alpha: number;
  /** Standardized τ² (see DEFAULT_MIXING_VARIANCE). */
  readonly mixingVariance: number;
}

export const DEFAULT_SEQUENTIAL_TEST_OPTIONS: SequentialTestOptions = {
  alpha: DEFAULT_ALPHA,
  mixingVariance: DEFAULT_MIXING_VARIANCE,
};

export interface SequentialTestResult {
  /** ln Λ against θ0. */
  readonly logLikelihoodRatio: number;
  /** ln(1/alpha): θ0 is rejected once logLikelihoodRatio reaches it. */
  readonly threshold: number;
  /** The always-valid (1 − alpha) confidence sequence at this look. */
  readonly interval: readonly [number, number];
  readonly rejected: boolean;
}

/** Absolute τ² for this estimate's scale. */
export function absoluteMixingVariance(estimate: NormalEstimate, mixingVariance: number): number {
  return mixingVariance * estimate.unitVariance;
}

/** ln Λ of the mSPRT against θ0, for an estimate with variance V and mixing variance τ². */
export function logMixtureLikelihoodRatio(
  value: number,
  variance: number,
  theta0: number,
  tauSquared: number,
): number {
  // A point estimate (V = 0) is certain: everything but itself is rejected outright.
  if (variance <= 0) return value === theta0 ? 0 : Infinity;
  // A mixture concentrated on θ0 is the null itself: no evidence either way.
  if (tauSquared <= 0) return 0;
  const deviation = value - theta0;
  const total = variance + tauSquared;
  return (
    0.5 * Math.log(variance / total) + (tauSquared * deviation * deviation) / (2 * variance * total)
  );
}

/** Half-width of the confidence sequence: the set of θ0 with ln Λ < ln(1/alpha). */
export function confidenceHalfWidth(variance: number, tauSquared: number, alpha: number): number {
  if (variance <= 0) return 0;
  if (tauSquared <= 0) return Infinity;
  const total = variance + tauSquared;
  const logBudget = Math.log(1 / alpha) + 0.5 * Math.log(total / variance);
  return Math.sqrt(((2 * variance * total) / tauSquared) * logBudget);
}

/** Tests θ0 against the estimate and returns the confidence sequence at this look. */
export function sequentialTest(
  estimate: NormalEstimate,
  theta0: number,
  options: SequentialTestOptions = DEFAULT_SEQUENTIAL_TEST_OPTIONS,
): SequentialTestResult {
  const tauSquared = absoluteMixingVariance(estimate, options.mixingVariance);
  const logLikelihoodRatio = logMixtureLikelihoodRatio(
    estimate.value,
    estimate.variance,
    theta0,
    tauSquared,
  );
  const threshold = Math.log(1 / options.alpha);
  const halfWidth = confidenceHalfWidth(estimate.variance, tauSquared, options.alpha);
  return {
    logLikelihoodRatio,
    threshold,
    interval: [estimate.value - halfWidth, estimate.value + halfWidth],
    rejected: logLikelihoodRatio >= threshold,
  };
}
