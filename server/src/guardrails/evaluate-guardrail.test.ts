import { describe, expect, it } from 'vitest';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import { evaluateGuardrail } from './evaluate-guardrail';
import type { MeanAggregate, RatioAggregate } from './sli-estimates';

const TEN_MINUTES_MS = 600_000;

function guardrail(bounds: Partial<Guardrail>, sli = 'error_rate'): Guardrail {
  return { sli, windowMs: TEN_MINUTES_MS, action: 'pause', ...bounds };
}

function ratio(successes: number, trials: number): RatioAggregate {
  return { kind: 'ratio', successes, trials };
}

/** The aggregate of `count` values with this mean and sample standard deviation. */
function latency(count: number, mean: number, deviation: number): MeanAggregate {
  const sum = count * mean;
  return { kind: 'mean', count, sum, sumSquares: (count - 1) * deviation ** 2 + sum * mean };
}

describe('evaluateGuardrail verdicts', () => {
  it('is no_data without any samples in the window', () => {
    const result = evaluateGuardrail(guardrail({ maxRelative: 0.1 }), ratio(0, 0), ratio(0, 0));
    expect(result.verdict).toBe('no_data');
    expect(result.samples).toEqual({ treatment: 0, control: 0 });
    expect(result.estimate).toBeNull();
    expect(result.interval).toBeNull();
    expect(result.reason).toBe('error_rate: no treatment samples in the window');
  });

  it('is no_data for a relative bound when control has no samples', () => {
    const missing = evaluateGuardrail(guardrail({ maxRelative: 0.1 }), ratio(5, 1000), null);
    expect(missing.verdict).toBe('no_data');
    expect(missing.reason).toBe('error_rate: no control samples in the window');
    const empty = evaluateGuardrail(guardrail({ maxRelative: 0.1 }), ratio(5, 1000), ratio(0, 0));
    expect(empty.verdict).toBe('no_data');
  });

  it('is inconclusive below the minimum sample, however clear the data looks', () => {
    const result = evaluateGuardrail(guardrail({ max: 0.01 }), ratio(60, 150), null);
    expect(result.verdict).toBe('inconclusive');
    expect(result.interval?.[0]).toBeGreaterThan(0.01);
    expect(result.reason).toContain('150 of 200 samples per arm needed');
    const lowered = evaluateGuardrail(guardrail({ max: 0.01 }), ratio(60, 150), null, {
      minSamplesPerArm: 100,
    });
    expect(lowered.verdict).toBe('fail');
  });

  it('fails when the whole interval is above max', () => {
    const result = evaluateGuardrail(guardrail({ max: 0.01 }), ratio(100, 2000), null);
    expect(result.verdict).toBe('fail');
    expect(result.interval?.[0]).toBeGreaterThan(0.01);
    expect(result.statistic).toBeGreaterThanOrEqual(result.threshold);
    expect(result.reason).toMatch(
      /^error_rate 0\.05\d*, always-valid 95% interval .* above max 0\.01$/,
    );
  });

  it('passes when the whole interval is below max', () => {
    const result = evaluateGuardrail(guardrail({ max: 0.02 }), ratio(10, 5000), null);
    expect(result.verdict).toBe('pass');
    expect(result.interval?.[1]).toBeLessThan(0.02);
    expect(result.statistic).toBeGreaterThanOrEqual(result.threshold);
    expect(result.samples).toEqual({ treatment: 5000, control: null });
  });

  it('is inconclusive while the interval straddles max', () => {
    const result = evaluateGuardrail(guardrail({ max: 0.02 }), ratio(19, 1000), null);
    expect(result.verdict).toBe('inconclusive');
    expect(result.statistic).toBeLessThan(result.threshold);
    expect(result.reason).toContain('still straddles max 0.02');
  });

  it('fails a conversion whose interval is below min, and one that stopped converting', () => {
    const low = guardrail({ min: 0.05 }, 'conversion');
    expect(evaluateGuardrail(low, ratio(20, 2000), null).verdict).toBe('fail');
    expect(evaluateGuardrail(low, ratio(0, 2000), null).verdict).toBe('fail');
    expect(evaluateGuardrail(low, ratio(200, 2000), null).verdict).toBe('pass');
  });

  it('fails a relative error-rate bound on a clear regression', () => {
    const result = evaluateGuardrail(
      guardrail({ maxRelative: 0.1 }),
      ratio(100, 2000),
      ratio(20, 2000),
    );
    expect(result.verdict).toBe('fail');
    expect(result.reason).toMatch(
      /^error_rate \+39\d\.\d% vs control, .* above maxRelative \+10\.0%$/,
    );
  });

  it('passes and fails latency against control', () => {
    const bound = guardrail({ maxRelative: 0.1 }, 'latency_p95_ms');
    const same = evaluateGuardrail(bound, latency(5000, 200, 100), latency(5000, 200, 100));
    expect(same.verdict).toBe('pass');
    expect(same.estimate).toBeCloseTo(0, 12);
    const slower = evaluateGuardrail(bound, latency(1000, 300, 150), latency(1000, 200, 100));
    expect(slower.verdict).toBe('fail');
    expect(slower.estimate).toBeCloseTo(0.5, 12);
  });

  it('fails a minRelative bound when treatment converts much less', () => {
    const bound = guardrail({ minRelative: -0.02 }, 'conversion');
    expect(evaluateGuardrail(bound, ratio(300, 5000), ratio(500, 5000)).verdict).toBe('fail');
  });

  it('lets a failing bound decide over an undecided one and splits alpha between them', () => {
    const result = evaluateGuardrail(
      guardrail({ max: 0.5, maxRelative: 0.1 }),
      ratio(100, 2000),
      ratio(20, 2000),
    );
    expect(result.verdict).toBe('fail');
    expect(result.bound).toBe('maxRelative');
    expect(result.checks.map((check) => [check.bound, check.verdict])).toEqual([
      ['max', 'pass'],
      ['maxRelative', 'fail'],
    ]);
    expect(result.threshold).toBeCloseTo(Math.log(40), 12);
  });

  it('never passes a guardrail one of whose bounds lacks data', () => {
    const result = evaluateGuardrail(
      guardrail({ max: 0.5, maxRelative: 0.1 }),
      ratio(1, 2000),
      null,
    );
    expect(result.verdict).toBe('no_data');
    expect(result.bound).toBe('maxRelative');
  });

  it('refuses aggregates of different kinds', () => {
    expect(() =>
      evaluateGuardrail(guardrail({ maxRelative: 0.1 }), ratio(1, 10), latency(10, 1, 1)),
    ).toThrow(/treatment is a ratio but control a mean/);
  });
});

describe('evaluateGuardrail numbers', () => {
  it('matches a hand computation on the log-ratio scale', () => {
    // ln(40.5/20.5) ± sqrt(2V(V+τ²)/τ² · (ln 20 + ½ ln((V+τ²)/V))), where
    // V = (1960.5/40.5 + 1980.5/20.5) / 2000 and τ² = 0.005 · 2000 V, so (V+τ²)/V = 11.
    const result = evaluateGuardrail(
      guardrail({ maxRelative: 0.1 }),
      ratio(40, 2000),
      ratio(20, 2000),
    );
    const logRatio = Math.log(40.5 / 20.5);
    const variance = (1960.5 / 40.5 + 1980.5 / 20.5) / 2000;
    const halfWidth = Math.sqrt(2 * variance * 1.1 * (Math.log(20) + 0.5 * Math.log(11)));
    expect(halfWidth).toBeCloseTo(0.818006, 5);
    expect(result.verdict).toBe('inconclusive');
    expect(result.estimate).toBeCloseTo(40.5 / 20.5 - 1, 12);
    expect(result.interval?.[0]).toBeCloseTo(Math.exp(logRatio - halfWidth) - 1, 12);
    expect(result.interval?.[1]).toBeCloseTo(Math.exp(logRatio + halfWidth) - 1, 12);
    // ln Λ at θ0 = ln 1.1: ½ ln(1/11) + (10/11) (x̄ − θ0)² / (2V).
    const deviation = logRatio - Math.log(1.1);
    expect(result.statistic).toBeCloseTo(
      0.5 * Math.log(1 / 11) + ((10 / 11) * deviation ** 2) / (2 * variance),
      12,
    );
    expect(result.threshold).toBeCloseTo(Math.log(20), 12);
  });

  it('matches a hand computation for an absolute latency bound', () => {
    // mean 210 ms, sd 50 ms, n 400: V = 6.25, τ² = 0.005 · 2500 = 12.5, (V+τ²)/V = 3.
    const result = evaluateGuardrail(
      guardrail({ max: 200 }, 'latency_ms'),
      latency(400, 210, 50),
      null,
    );
    const halfWidth = Math.sqrt(((2 * 6.25 * 18.75) / 12.5) * (Math.log(20) + 0.5 * Math.log(3)));
    expect(result.estimate).toBeCloseTo(210, 9);
    expect(result.interval?.[0]).toBeCloseTo(210 - halfWidth, 9);
    expect(result.interval?.[1]).toBeCloseTo(210 + halfWidth, 9);
    // 210 − 8.153 ≈ 201.8 ms: just above max, so it fails.
    expect(halfWidth).toBeCloseTo(8.153, 3);
    expect(result.verdict).toBe('fail');
  });
});
