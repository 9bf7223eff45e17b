import { mulberry32 } from '../../../shared/src/seeded-random';

// What the demo's simulated apps measure: per service a traffic profile, per experiment a few
// stable traits, and per step one arm's counts drawn around them. Pure apart from `random`.

type Random = () => number;

/** One service's traffic across its whole layer, and how its requests behave. */
export interface ServiceTraffic {
  /** Requests per second over the whole layer; each arm sees its share. */
  readonly requestsPerSecond: number;
  readonly errorRate: number;
  /** Log-normal latency: median and shape (σ of the logarithm). */
  readonly latencyMedianMs: number;
  readonly latencySigma: number;
  readonly sessionsPerSecond: number;
  /** Sessions that convert (checkout completed, result clicked, push opened…). */
  readonly conversionRate: number;
}

/**
 * Busy enough that an arm at a few percent reaches the guardrails' minimum sample within
 * seconds and a decisive sample within a stage's hold (40 s to 3 min in the demo). Healthy
 * error rates spend a third or so of each service's SLO allowance (demo-seed.ts): the error
 * budgets measured from this telemetry stay open, and one degrading experiment dents them
 * without closing a service for long.
 */
export const SERVICE_TRAFFIC: Readonly<Record<string, ServiceTraffic>> = {
  checkout: traffic(12_000, 0.0003, 70, 0.5, 4_000, 0.34),
  'payments-api': traffic(15_000, 0.0002, 60, 0.45, 3_000, 0.9),
  search: traffic(25_000, 0.0002, 55, 0.5, 8_000, 0.3),
  catalog: traffic(20_000, 0.0015, 40, 0.45, 6_000, 0.25),
  identity: traffic(10_000, 0.00015, 65, 0.5, 4_000, 0.6),
  notifications: traffic(8_000, 0.004, 80, 0.45, 5_000, 0.2),
};

/** For a service the demo does not know (an experiment someone enqueued in the console). */
export const DEFAULT_TRAFFIC: ServiceTraffic = traffic(10_000, 0.0005, 70, 0.5, 4_000, 0.3);

function traffic(
  requestsPerSecond: number,
  errorRate: number,
  latencyMedianMs: number,
  latencySigma: number,
  sessionsPerSecond: number,
  conversionRate: number,
): ServiceTraffic {
  return {
    requestsPerSecond,
    errorRate,
    latencyMedianMs,
    latencySigma,
    sessionsPerSecond,
    conversionRate,
  };
}

/** The bucket bounds the simulated apps configure for request latency (ms). */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2500, 5000,
];

/**
 * Control is the layer traffic the treatment does not take, but never less than a 10% holdout:
 * at a 100% stage the relative guardrails still have something to compare with.
 */
export const HOLDOUT_SHARE = 0.1;

export function armShare(variant: 'treatment' | 'control', exposurePercent: number): number {
  const exposed = Math.min(1, Math.max(0, exposurePercent / 100));
  return variant === 'treatment' ? exposed : Math.max(1 - exposed, HOLDOUT_SHARE);
}

/** How a healthy treatment differs from control: stable per experiment, so runs can be compared. */
export interface ExperimentTraits {
  /** Relative change of the conversion rate (the hypotheses promise a lift). */
  readonly conversionLift: number;
  /** Multiplies the latency median. */
  readonly latencyFactor: number;
  /** Multiplies the error rate. */
  readonly errorFactor: number;
}

/** FNV-1a: a stable 32-bit seed from a key. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function experimentTraits(key: string): ExperimentTraits {
  const random = mulberry32(hashKey(key));
  return {
    conversionLift: 0.03 + 0.04 * random(),
    latencyFactor: 0.95 + 0.05 * random(),
    errorFactor: 0.8 + 0.25 * random(),
  };
}

/** What one arm does in a step: healthy, or a treatment failing at `errorRate`. */
export type ArmBehaviour =
  | { readonly kind: 'control' }
  | { readonly kind: 'healthy'; readonly traits: ExperimentTraits }
  | { readonly kind: 'failing'; readonly traits: ExperimentTraits; readonly errorRate: number };

export interface LatencyHistogram {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
}

/** One arm's measurements over one step. */
export interface ArmSample {
  readonly requests: number;
  readonly errors: number;
  readonly latency: LatencyHistogram;
  readonly sessions: number;
  readonly conversions: number;
}

export function sampleArm(
  profile: ServiceTraffic,
  behaviour: ArmBehaviour,
  share: number,
  seconds: number,
  random: Random,
): ArmSample {
  const traits = behaviour.kind === 'control' ? null : behaviour.traits;
  const errorRate =
    behaviour.kind === 'failing'
      ? behaviour.errorRate
      : Math.min(1, profile.errorRate * (traits?.errorFactor ?? 1));
  const conversionRate = Math.min(1, profile.conversionRate * (1 + (traits?.conversionLift ?? 0)));
  const requests = poisson(profile.requestsPerSecond * share * seconds, random);
  const sessions = poisson(profile.sessionsPerSecond * share * seconds, random);
  return {
    requests,
    errors: binomial(requests, errorRate, random),
    latency: latencyHistogram(
      requests,
      Math.log(profile.latencyMedianMs * (traits?.latencyFactor ?? 1)),
      profile.latencySigma,
      random,
    ),
    sessions,
    conversions: binomial(sessions, conversionRate, random),
  };
}

/**
 * `count` log-normal latencies as an OTLP histogram: multinomial bucket counts, and a sum from
 * each bucket's conditional mean, so the sum, the buckets, min and max agree with each other.
 */
export function latencyHistogram(
  count: number,
  mu: number,
  sigma: number,
  random: Random,
  bounds: readonly number[] = LATENCY_BOUNDS_MS,
): LatencyHistogram {
  const edges = [0, ...bounds, Infinity];
  const cdf = edges.map((edge) => (edge <= 0 ? 0 : normalCdf((Math.log(edge) - mu) / sigma)));
  // E[X; X <= edge] for a log-normal, per edge.
  const partialMean = edges.map((edge) =>
    edge <= 0
      ? 0
      : Math.exp(mu + (sigma * sigma) / 2) * normalCdf((Math.log(edge) - mu) / sigma - sigma),
  );
  const bucketCounts: number[] = [];
  let remaining = count;
  let remainingMass = 1;
  let sum = 0;
  for (let index = 0; index < edges.length - 1; index++) {
    const mass = cdf[index + 1]! - cdf[index]!;
    const drawn =
      index === edges.length - 2
        ? remaining
        : binomial(remaining, safeRatio(mass, remainingMass), random);
    bucketCounts.push(drawn);
    remaining -= drawn;
    remainingMass -= mass;
    const lower = edges[index]!;
    const upper = edges[index + 1]!;
    const conditionalMean =
      mass > 1e-12
        ? (partialMean[index + 1]! - partialMean[index]!) / mass
        : Number.isFinite(upper)
          ? (lower + upper) / 2
          : lower * 1.5;
    sum += drawn * conditionalMean;
  }
  const { min, max } = extremes(bucketCounts, edges, count, mu, sigma);
  return { count, sum, min, max, bucketCounts, explicitBounds: bounds };
}

/** Typical smallest and largest of `count` draws, kept inside the outermost non-empty buckets. */
function extremes(
  bucketCounts: readonly number[],
  edges: readonly number[],
  count: number,
  mu: number,
  sigma: number,
): { min: number; max: number } {
  if (count === 0) return { min: 0, max: 0 };
  const first = bucketCounts.findIndex((bucketCount) => bucketCount > 0);
  const last = bucketCounts.length - 1 - [...bucketCounts].reverse().findIndex((c) => c > 0);
  const spread = sigma * Math.sqrt(2 * Math.log(Math.max(2, count)));
  const clamp = (value: number, index: number): number => {
    const lower = edges[index]!;
    const upper = Number.isFinite(edges[index + 1]!) ? edges[index + 1]! : Math.max(value, lower);
    return round2(Math.min(upper, Math.max(lower, value)));
  };
  const min = clamp(Math.exp(mu - spread), first);
  const max = clamp(Math.exp(mu + spread), last);
  return { min: Math.min(min, max), max };
}

function safeRatio(part: number, whole: number): number {
  return whole <= 0 ? 1 : Math.min(1, Math.max(0, part / whole));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error under 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function standardNormal(random: Random): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}

/** Poisson counts: exact for small means, normal beyond (the demo's counts are mostly large). */
export function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let product = random();
    let events = 0;
    while (product > limit) {
      events += 1;
      product *= random();
    }
    return events;
  }
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(random)));
}

/** Binomial counts: exact for few trials, Poisson for rare events, normal otherwise. */
export function binomial(trials: number, probability: number, random: Random): number {
  if (trials <= 0 || probability <= 0) return 0;
  if (probability >= 1) return trials;
  if (trials <= 40) {
    let successes = 0;
    for (let index = 0; index < trials; index++) if (random() < probability) successes += 1;
    return successes;
  }
  const mean = trials * probability;
  const variance = mean * (1 - probability);
  if (variance < 10) return Math.min(trials, poisson(mean, random));
  const drawn = Math.round(mean + Math.sqrt(variance) * standardNormal(random));
  return Math.min(trials, Math.max(0, drawn));
}
