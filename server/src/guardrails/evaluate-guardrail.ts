import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import {
  DEFAULT_ALPHA,
  DEFAULT_MIXING_VARIANCE,
  sequentialTest,
  type SequentialTestOptions,
} from './sequential-test';
import {
  armEstimate,
  logArmEstimate,
  logitArmEstimate,
  differenceEstimate,
  sampleCount,
  type NormalEstimate,
  type SliAggregate,
} from './sli-estimates';

/**
 * Below this many units per arm the normal approximation behind the test is too rough to act
 * on (an error rate of 1% is two events in 200), so nothing passes or fails before it.
 */
export const DEFAULT_MIN_SAMPLES_PER_ARM = 200;

export interface EvaluateGuardrailOptions {
  readonly alpha?: number;
  /** Standardized mixing variance τ² (see DEFAULT_MIXING_VARIANCE). */
  readonly mixingVariance?: number;
  readonly minSamplesPerArm?: number;
}

export type GuardrailBound = 'max' | 'min' | 'maxRelative' | 'minRelative';

/** The judgement of one bound of a guardrail. */
export interface BoundCheck {
  readonly bound: GuardrailBound;
  readonly limit: number;
  readonly verdict: GuardrailVerdict;
  /**
   * Treatment's SLI for max/min, treatment / control − 1 for the relative bounds; for ratios
   * with half an event added to each side (see logArmEstimate), so it can differ from the raw
   * proportion in the fourth digit.
   */
  readonly estimate: number | null;
  readonly interval: readonly [number, number] | null;
  /** ln Λ of the mSPRT with θ0 at the limit. */
  readonly statistic: number | null;
  /** ln(1/alpha) for this bound's share of alpha. */
  readonly threshold: number;
  readonly reason: string;
}

export interface GuardrailEvaluation extends BoundCheck {
  readonly samples: { readonly treatment: number; readonly control: number | null };
  /** Every bound the guardrail sets; the top-level fields repeat the one that decided. */
  readonly checks: readonly BoundCheck[];
}

const BOUNDS: readonly GuardrailBound[] = ['max', 'min', 'maxRelative', 'minRelative'];

/** Which way the verdict goes when several bounds disagree: a failure anywhere wins. */
const PRECEDENCE: readonly GuardrailVerdict[] = ['fail', 'no_data', 'inconclusive', 'pass'];

/**
 * Judges one guardrail on the treatment's (and control's) telemetry over its window. Pure: the
 * shell loads the aggregates and decides what to do with the verdict. Several bounds on one
 * guardrail split alpha evenly between them (Bonferroni), so the guardrail as a whole keeps
 * P(ever failing a healthy experiment) ≤ alpha.
 */
export function evaluateGuardrail(
  guardrail: Guardrail,
  treatment: SliAggregate,
  control: SliAggregate | null,
  options: EvaluateGuardrailOptions = {},
): GuardrailEvaluation {
  if (control && control.kind !== treatment.kind) {
    throw new Error(
      `guardrail ${guardrail.sli}: treatment is a ${treatment.kind} but control a ${control.kind}`,
    );
  }
  const bounds = BOUNDS.filter((bound) => guardrail[bound] !== undefined);
  const alpha = (options.alpha ?? DEFAULT_ALPHA) / Math.max(1, bounds.length);
  const context: CheckContext = {
    sli: guardrail.sli,
    treatment,
    control,
    test: { alpha, mixingVariance: options.mixingVariance ?? DEFAULT_MIXING_VARIANCE },
    minSamples: options.minSamplesPerArm ?? DEFAULT_MIN_SAMPLES_PER_ARM,
  };
  const checks = bounds.map((bound) => checkBound(context, bound, guardrail[bound] as number));
  const samples = {
    treatment: sampleCount(treatment),
    control: control ? sampleCount(control) : null,
  };
  const deciding = PRECEDENCE.map((verdict) =>
    checks.find((check) => check.verdict === verdict),
  ).find((check) => check !== undefined);
  if (!deciding) {
    // Spec validation requires a bound; a guardrail without one still must not pass.
    return {
      bound: 'max',
      limit: NaN,
      verdict: 'inconclusive',
      estimate: null,
      interval: null,
      statistic: null,
      threshold: Math.log(1 / alpha),
      reason: `${guardrail.sli}: the guardrail sets no bound`,
      samples,
      checks,
    };
  }
  return { ...deciding, samples, checks };
}

interface CheckContext {
  readonly sli: string;
  readonly treatment: SliAggregate;
  readonly control: SliAggregate | null;
  readonly test: SequentialTestOptions;
  readonly minSamples: number;
}

function checkBound(context: CheckContext, bound: GuardrailBound, limit: number): BoundCheck {
  const { sli, treatment, control, test, minSamples } = context;
  const relative = bound === 'maxRelative' || bound === 'minRelative';
  const threshold = Math.log(1 / test.alpha);
  const unjudged = (verdict: GuardrailVerdict, reason: string): BoundCheck => ({
    bound,
    limit,
    verdict,
    estimate: null,
    interval: null,
    statistic: null,
    threshold,
    reason: `${sli}: ${reason}`,
  });

  const measured = relative
    ? relativeEstimate(treatment, control)
    : absoluteEstimate(treatment, limit);
  if ('verdict' in measured) return unjudged(measured.verdict, measured.reason);
  const { estimate, toBoundScale, fromBoundScale } = measured;

  const result = sequentialTest(estimate, toBoundScale(limit), test);
  const low = fromBoundScale(result.interval[0]);
  const high = fromBoundScale(result.interval[1]);
  const value = fromBoundScale(estimate.value);
  const upper = bound === 'max' || bound === 'maxRelative';
  const smallestArm = Math.min(
    sampleCount(treatment),
    relative && control ? sampleCount(control) : Infinity,
  );
  const format = relative ? signedPercent : formatNumber;
  const described = `${sli} ${relative ? `${format(value)} vs control` : format(value)}, always-valid ${percentOf(1 - test.alpha)} interval [${format(low)}, ${format(high)}]`;
  const limitText = `${bound} ${format(limit)}`;

  let verdict: GuardrailVerdict;
  let reason: string;
  if (smallestArm < minSamples) {
    verdict = 'inconclusive';
    reason = `${described}; ${smallestArm} of ${minSamples} samples per arm needed before judging`;
  } else if (upper ? low > limit : high < limit) {
    verdict = 'fail';
    reason = `${described} is ${upper ? 'above' : 'below'} ${limitText}`;
  } else if (upper ? high <= limit : low >= limit) {
    verdict = 'pass';
    reason = `${described} is within ${limitText}`;
  } else {
    verdict = 'inconclusive';
    reason = `${described} still straddles ${limitText}`;
  }
  return {
    bound,
    limit,
    verdict,
    estimate: value,
    interval: [low, high],
    statistic: result.logLikelihoodRatio,
    threshold,
    reason,
  };
}

interface Measured {
  readonly estimate: NormalEstimate;
  /** Maps a bound onto the estimate's scale, and the estimate's scale back to the SLI's. */
  readonly toBoundScale: (value: number) => number;
  readonly fromBoundScale: (value: number) => number;
}

interface Unmeasured {
  readonly verdict: GuardrailVerdict;
  readonly reason: string;
}

const identity = (value: number): number => value;

const logit = (probability: number): number => Math.log(probability / (1 - probability));
const logistic = (logOdds: number): number => 1 / (1 + Math.exp(-logOdds));

/**
 * Absolute bounds on a ratio inside (0, 1) are judged on the logit scale (see
 * logitArmEstimate); a bound at 0 or 1 has no logit and is judged on the proportion itself.
 */
function absoluteEstimate(treatment: SliAggregate, limit: number): Measured | Unmeasured {
  const estimate = armEstimate(treatment);
  if (!estimate) return { verdict: 'no_data', reason: 'no treatment samples in the window' };
  const logitEstimate = limit > 0 && limit < 1 ? logitArmEstimate(treatment) : null;
  if (logitEstimate) {
    return { estimate: logitEstimate, toBoundScale: logit, fromBoundScale: logistic };
  }
  return { estimate, toBoundScale: identity, fromBoundScale: identity };
}

/** Relative bounds are judged on ln(treatment / control); see differenceEstimate for why. */
function relativeEstimate(
  treatment: SliAggregate,
  control: SliAggregate | null,
): Measured | Unmeasured {
  if (sampleCount(treatment) <= 0) {
    return { verdict: 'no_data', reason: 'no treatment samples in the window' };
  }
  if (!control || sampleCount(control) <= 0) {
    return { verdict: 'no_data', reason: 'no control samples in the window' };
  }
  const treatmentLog = logArmEstimate(treatment);
  const controlLog = logArmEstimate(control);
  if (!treatmentLog || !controlLog) {
    return {
      verdict: 'inconclusive',
      reason: 'a mean is not positive, so a change relative to control is undefined',
    };
  }
  return {
    estimate: differenceEstimate(treatmentLog, controlLog),
    // A relative limit at or below −100% lies beyond any ratio: −Infinity on the log scale.
    toBoundScale: (relativeLimit) => (relativeLimit > -1 ? Math.log1p(relativeLimit) : -Infinity),
    fromBoundScale: Math.expm1,
  };
}

function signedPercent(value: number): string {
  const percent = value * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

function percentOf(value: number): string {
  return `${Number((value * 100).toFixed(2))}%`;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}
