import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import {
  DEFAULT_MIN_SAMPLES_PER_ARM,
  evaluateGuardrail,
  type EvaluateGuardrailOptions,
} from './evaluate-guardrail';
import { histogramQuantile } from './histogram-estimates';
import type { MeanAggregate, RatioAggregate, SliAggregate } from './sli-estimates';

/**
 * Seeded Monte Carlo of continuously monitored experiments, for the A/A and power tests and for
 * tuning the defaults. Test support only: the randomness lives here, never in the core.
 */

export { mulberry32 } from '../../../shared/src/seeded-random';

/** Binomial(n, p) by inverting its CDF: one uniform per batch, few steps for small n·p. */
export function binomial(random: () => number, trials: number, probability: number): number {
  const u = random();
  const odds = probability / (1 - probability);
  let mass = Math.pow(1 - probability, trials);
  let cumulative = mass;
  let successes = 0;
  while (u > cumulative && successes < trials) {
    mass *= ((trials - successes) / (successes + 1)) * odds;
    successes += 1;
    cumulative += mass;
  }
  return successes;
}

/** Log-normal draws with the given mean and coefficient of variation (latency-like skew). */
export function logNormalSampler(
  random: () => number,
  mean: number,
  coefficientOfVariation: number,
): () => number {
  const sigmaSquared = Math.log(1 + coefficientOfVariation * coefficientOfVariation);
  const mu = Math.log(mean) - sigmaSquared / 2;
  const sigma = Math.sqrt(sigmaSquared);
  return () => {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    return Math.exp(mu + sigma * radius * Math.cos(2 * Math.PI * random()));
  };
}

/** Adds one batch of units to an arm's aggregate. */
export type ArmStream = (aggregate: SliAggregate, batchSize: number) => SliAggregate;

export function ratioStream(random: () => number, probability: number): ArmStream {
  return (aggregate, batchSize) => {
    const current = aggregate as RatioAggregate;
    return {
      kind: 'ratio',
      successes: current.successes + binomial(random, batchSize, probability),
      trials: current.trials + batchSize,
    };
  };
}

export function meanStream(draw: () => number): ArmStream {
  return (aggregate, batchSize) => {
    const current = aggregate as MeanAggregate;
    let sum = current.sum;
    let sumSquares = current.sumSquares;
    for (let index = 0; index < batchSize; index += 1) {
      const value = draw();
      sum += value;
      sumSquares += value * value;
    }
    return { kind: 'mean', count: current.count + batchSize, sum, sumSquares };
  };
}

/** Latency-like bucket bounds in ms, as an OTLP histogram would report them. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2500, 5000,
];

/**
 * Draws into histogram buckets and judges the arm's q-quantile from them, as the guardrail
 * engine does from OTLP histograms. The histogram is this stream's own state.
 */
export function quantileStream(
  draw: () => number,
  quantile: number,
  bounds: readonly number[] = LATENCY_BOUNDS_MS,
): ArmStream {
  const bucketCounts = new Array<number>(bounds.length + 1).fill(0);
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  return (_aggregate, batchSize) => {
    for (let index = 0; index < batchSize; index += 1) {
      const value = draw();
      let bucket = 0;
      while (bucket < bounds.length && value > bounds[bucket]!) bucket += 1;
      bucketCounts[bucket]! += 1;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    count += batchSize;
    return histogramQuantile(
      {
        explicitBounds: [...bounds],
        bucketCounts: [...bucketCounts],
        count,
        sum: 0,
        summedCount: 0,
        min,
        max,
        otherBoundsCount: 0,
      },
      quantile,
    );
  };
}

export interface MonitoredRun {
  /** Units per arm at the first fail, or null if it never failed. */
  readonly firstFailAt: number | null;
  readonly firstPassAt: number | null;
  /** Whether some judged look's interval (past the minimum sample) excluded `truth`. */
  readonly missedTruth: boolean;
}

export interface MonitorSetup {
  readonly guardrail: Guardrail;
  readonly treatment: ArmStream;
  readonly control: ArmStream;
  readonly empty: SliAggregate;
  readonly batchSize: number;
  readonly maxPerArm: number;
  /** The true value of the guardrail's (single) bound's quantity, to check coverage. */
  readonly truth?: number;
  readonly options?: EvaluateGuardrailOptions;
  /** Stop at the first fail (power runs) rather than watching to the end (A/A runs). */
  readonly stopAtFail?: boolean;
}

/** One experiment, judged after every batch as the scheduler would judge it continuously. */
export function monitor(setup: MonitorSetup): MonitoredRun {
  let treatment = setup.empty;
  let control = setup.empty;
  let firstFailAt: number | null = null;
  let firstPassAt: number | null = null;
  let missedTruth = false;
  const judgedFrom = setup.options?.minSamplesPerArm ?? DEFAULT_MIN_SAMPLES_PER_ARM;
  for (let perArm = setup.batchSize; perArm <= setup.maxPerArm; perArm += setup.batchSize) {
    treatment = setup.treatment(treatment, setup.batchSize);
    control = setup.control(control, setup.batchSize);
    const result = evaluateGuardrail(setup.guardrail, treatment, control, setup.options);
    if (result.verdict === 'fail' && firstFailAt === null) firstFailAt = perArm;
    if (result.verdict === 'pass' && firstPassAt === null) firstPassAt = perArm;
    if (setup.truth !== undefined && result.interval && perArm >= judgedFrom) {
      const [low, high] = result.interval;
      if (setup.truth < low || setup.truth > high) missedTruth = true;
    }
    if (firstFailAt !== null && setup.stopAtFail) break;
  }
  return { firstFailAt, firstPassAt, missedTruth };
}

/** The smallest sample per arm by which `share` of the runs had failed (null if never). */
export function failQuantile(runs: readonly MonitoredRun[], share: number): number | null {
  const failures = runs
    .map((run) => run.firstFailAt ?? Infinity)
    .sort((left, right) => left - right);
  const at = failures[Math.ceil(share * runs.length) - 1] ?? Infinity;
  return Number.isFinite(at) ? at : null;
}
