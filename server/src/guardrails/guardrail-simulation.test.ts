import { describe, expect, it } from 'vitest';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import {
  failQuantile,
  logNormalSampler,
  meanStream,
  monitor,
  mulberry32,
  quantileStream,
  ratioStream,
  type MonitoredRun,
  type MonitorSetup,
} from './guardrail-simulation';
import { DEFAULT_ALPHA } from './sequential-test';

/**
 * Seeded Monte Carlo of continuous monitoring: each run is judged after every batch of 50 units
 * per arm, as the scheduler would judge it on every tick.
 */
const BATCH = 50;
const EMPTY_RATIO = { kind: 'ratio', successes: 0, trials: 0 } as const;
const EMPTY_MEAN = { kind: 'mean', count: 0, sum: 0, sumSquares: 0 } as const;
const EMPTY_P95 = {
  kind: 'quantile',
  quantile: 0.95,
  count: 0,
  value: 0,
  unitVariance: 0,
} as const;

function guardrail(sli: string, bounds: Partial<Guardrail>): Guardrail {
  return { sli, windowMs: 600_000, action: 'pause', ...bounds };
}

function simulate(runs: number, setup: (random: () => number) => MonitorSetup): MonitoredRun[] {
  return Array.from({ length: runs }, (_, index) => monitor(setup(mulberry32(0x5eed + index))));
}

function share(runs: readonly MonitoredRun[], test: (run: MonitoredRun) => boolean): number {
  return runs.filter(test).length / runs.length;
}

describe('A/A: no real difference, monitored continuously up to 5,000 units per arm', () => {
  // The bounds sit exactly at the truth ("no worse than control at all"), the hardest case: any
  // fail is a false fail, and any interval that misses the truth is a coverage failure.
  it('error rate 1% vs 1% with maxRelative 0 fails at most alpha of 1,000 runs', () => {
    const runs = simulate(1000, (random) => ({
      guardrail: guardrail('error_rate', { maxRelative: 0 }),
      treatment: ratioStream(random, 0.01),
      control: ratioStream(random, 0.01),
      empty: EMPTY_RATIO,
      batchSize: BATCH,
      maxPerArm: 5000,
      truth: 0,
    }));
    const falseFailRate = share(runs, (run) => run.firstFailAt !== null);
    const missRate = share(runs, (run) => run.missedTruth);
    console.log(
      `A/A error_rate maxRelative 0: false fail rate ${falseFailRate.toFixed(3)}, interval ever missed the truth ${missRate.toFixed(3)} at alpha ${DEFAULT_ALPHA}`,
    );
    expect(falseFailRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
    expect(missRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
  });

  it('error rate 1% with max 0.01 fails at most alpha of 1,000 runs', () => {
    const runs = simulate(1000, (random) => ({
      guardrail: guardrail('error_rate', { max: 0.01 }),
      treatment: ratioStream(random, 0.01),
      control: ratioStream(random, 0.01),
      empty: EMPTY_RATIO,
      batchSize: BATCH,
      maxPerArm: 5000,
      truth: 0.01,
    }));
    const falseFailRate = share(runs, (run) => run.firstFailAt !== null);
    const missRate = share(runs, (run) => run.missedTruth);
    console.log(
      `A/A error_rate max 0.01: false fail rate ${falseFailRate.toFixed(3)}, interval ever missed the truth ${missRate.toFixed(3)} at alpha ${DEFAULT_ALPHA}`,
    );
    expect(falseFailRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
    expect(missRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
  });

  it('skewed latency (log-normal, CV 1) with maxRelative 0 fails at most alpha of 1,000 runs', () => {
    const runs = simulate(1000, (random) => ({
      guardrail: guardrail('latency_ms', { maxRelative: 0 }),
      treatment: meanStream(logNormalSampler(random, 200, 1)),
      control: meanStream(logNormalSampler(random, 200, 1)),
      empty: EMPTY_MEAN,
      batchSize: BATCH,
      maxPerArm: 5000,
      truth: 0,
    }));
    const falseFailRate = share(runs, (run) => run.firstFailAt !== null);
    const missRate = share(runs, (run) => run.missedTruth);
    console.log(
      `A/A latency maxRelative 0: false fail rate ${falseFailRate.toFixed(3)}, interval ever missed the truth ${missRate.toFixed(3)} at alpha ${DEFAULT_ALPHA}`,
    );
    expect(falseFailRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
    expect(missRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
  });

  it('latency p95 from histogram buckets (log-normal, CV 1) with maxRelative 0 fails at most alpha of 1,000 runs', () => {
    const runs = simulate(1000, (random) => ({
      guardrail: guardrail('latency_p95_ms', { maxRelative: 0 }),
      treatment: quantileStream(logNormalSampler(random, 200, 1), 0.95),
      control: quantileStream(logNormalSampler(random, 200, 1), 0.95),
      empty: EMPTY_P95,
      batchSize: BATCH,
      maxPerArm: 5000,
      truth: 0,
    }));
    const falseFailRate = share(runs, (run) => run.firstFailAt !== null);
    const missRate = share(runs, (run) => run.missedTruth);
    console.log(
      `A/A latency_p95 maxRelative 0: false fail rate ${falseFailRate.toFixed(3)}, interval ever missed the truth ${missRate.toFixed(3)} at alpha ${DEFAULT_ALPHA}`,
    );
    expect(falseFailRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
    expect(missRate).toBeLessThanOrEqual(DEFAULT_ALPHA);
  });
});

describe('power: real regressions fail, monitored continuously', () => {
  it('error rate 2% vs 1% with maxRelative 0.10 fails within 10,000 units per arm in ≥95% of 500 runs', () => {
    const runs = simulate(500, (random) => ({
      guardrail: guardrail('error_rate', { maxRelative: 0.1 }),
      treatment: ratioStream(random, 0.02),
      control: ratioStream(random, 0.01),
      empty: EMPTY_RATIO,
      batchSize: BATCH,
      maxPerArm: 10_000,
      stopAtFail: true,
    }));
    const failed = share(runs, (run) => run.firstFailAt !== null);
    console.log(
      `power error_rate 2% vs 1%: ${failed.toFixed(3)} failed within 10,000 per arm; median ${failQuantile(runs, 0.5)}, 95th percentile ${failQuantile(runs, 0.95)} units per arm`,
    );
    expect(failed).toBeGreaterThanOrEqual(0.95);
  });

  it('latency 25% slower (log-normal, CV 1) with maxRelative 0.10 fails within 3,000 units per arm in ≥95% of 500 runs', () => {
    const runs = simulate(500, (random) => ({
      guardrail: guardrail('latency_ms', { maxRelative: 0.1 }),
      treatment: meanStream(logNormalSampler(random, 250, 1)),
      control: meanStream(logNormalSampler(random, 200, 1)),
      empty: EMPTY_MEAN,
      batchSize: BATCH,
      maxPerArm: 3000,
      stopAtFail: true,
    }));
    const failed = share(runs, (run) => run.firstFailAt !== null);
    console.log(
      `power latency +25%: ${failed.toFixed(3)} failed within 3,000 per arm; median ${failQuantile(runs, 0.5)}, 95th percentile ${failQuantile(runs, 0.95)} units per arm`,
    );
    expect(failed).toBeGreaterThanOrEqual(0.95);
  });

  it('latency p95 40% slower (log-normal, CV 1) with maxRelative 0.10 fails within 5,000 units per arm in ≥95% of 500 runs', () => {
    const runs = simulate(500, (random) => ({
      guardrail: guardrail('latency_p95_ms', { maxRelative: 0.1 }),
      treatment: quantileStream(logNormalSampler(random, 280, 1), 0.95),
      control: quantileStream(logNormalSampler(random, 200, 1), 0.95),
      empty: EMPTY_P95,
      batchSize: BATCH,
      maxPerArm: 5000,
      stopAtFail: true,
    }));
    const failed = share(runs, (run) => run.firstFailAt !== null);
    console.log(
      `power latency_p95 +40%: ${failed.toFixed(3)} failed within 5,000 per arm; median ${failQuantile(runs, 0.5)}, 95th percentile ${failQuantile(runs, 0.95)} units per arm`,
    );
    expect(failed).toBeGreaterThanOrEqual(0.95);
  });
});
