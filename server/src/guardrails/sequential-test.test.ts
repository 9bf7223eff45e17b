import { describe, expect, it } from 'vitest';
import {
  confidenceHalfWidth,
  DEFAULT_MIXING_VARIANCE,
  logMixtureLikelihoodRatio,
  sequentialTest,
} from './sequential-test';
import { armEstimate, logArmEstimate, logitArmEstimate, differenceEstimate } from './sli-estimates';

describe('mSPRT with a normal mixture', () => {
  // V = τ² = 0.0001, x̄ − θ0 = 0.02: ln Λ = ½ ln(V / 2V) + τ²·0.02² / (2·V·2V) = 1 − ½ ln 2.
  it('computes ln Λ by hand', () => {
    expect(logMixtureLikelihoodRatio(0.03, 0.0001, 0.01, 0.0001)).toBeCloseTo(0.6534264, 6);
    expect(logMixtureLikelihoodRatio(0.03, 0.0001, 0.03, 0.0001)).toBeCloseTo(-0.3465736, 6);
  });

  // sqrt(2·V·2V/τ² · (ln 20 + ½ ln 2)) = sqrt(0.0004 · 3.3423036).
  it('computes the confidence sequence half-width by hand', () => {
    expect(confidenceHalfWidth(0.0001, 0.0001, 0.05)).toBeCloseTo(0.036564, 6);
  });

  it('puts the interval ends exactly where ln Λ reaches ln(1/alpha)', () => {
    const variance = 0.0003;
    const tauSquared = 0.00002;
    const halfWidth = confidenceHalfWidth(variance, tauSquared, 0.05);
    for (const end of [0.5 - halfWidth, 0.5 + halfWidth]) {
      expect(logMixtureLikelihoodRatio(0.5, variance, end, tauSquared)).toBeCloseTo(
        Math.log(20),
        9,
      );
    }
  });

  it('scales the default mixing variance by the per-unit variance', () => {
    // unitVariance 0.02 × 0.005 = τ² 0.0001, the hand-computed case above.
    const estimate = { value: 0.03, variance: 0.0001, unitVariance: 0.02 };
    expect(DEFAULT_MIXING_VARIANCE).toBe(0.005);
    const near = sequentialTest(estimate, 0.01);
    expect(near.logLikelihoodRatio).toBeCloseTo(0.6534264, 6);
    expect(near.threshold).toBeCloseTo(Math.log(20), 9);
    expect(near.interval[0]).toBeCloseTo(0.03 - 0.036564, 6);
    expect(near.rejected).toBe(false);
    // x̄ − θ0 = 0.07: 0.0001·0.0049 / 4e-8 − ½ ln 2 = 12.25 − 0.3466.
    const far = sequentialTest(estimate, 0.1);
    expect(far.logLikelihoodRatio).toBeCloseTo(11.9034264, 6);
    expect(far.rejected).toBe(true);
  });

  it('widens with a smaller alpha', () => {
    const estimate = { value: 1, variance: 0.01, unitVariance: 10 };
    const loose = sequentialTest(estimate, 0, { alpha: 0.1, mixingVariance: 0.005 });
    const strict = sequentialTest(estimate, 0, { alpha: 0.01, mixingVariance: 0.005 });
    expect(strict.interval[1] - strict.interval[0]).toBeGreaterThan(
      loose.interval[1] - loose.interval[0],
    );
    expect(strict.threshold).toBeCloseTo(Math.log(100), 9);
  });

  it('treats a zero-variance estimate as certain', () => {
    const result = sequentialTest({ value: 120, variance: 0, unitVariance: 0 }, 100);
    expect(result.interval).toEqual([120, 120]);
    expect(result.logLikelihoodRatio).toBe(Infinity);
    expect(result.rejected).toBe(true);
  });
});

describe('SLI estimates', () => {
  it('estimates a proportion with Agresti–Coull pseudo-counts in its variance', () => {
    const estimate = armEstimate({ kind: 'ratio', successes: 30, trials: 1000 });
    expect(estimate?.value).toBe(0.03);
    expect(estimate?.unitVariance).toBeCloseTo((32 / 1004) * (972 / 1004), 12);
    expect(estimate?.variance).toBeCloseTo(((32 / 1004) * (972 / 1004)) / 1000, 12);
  });

  it('estimates a mean and its variance from count, sum and sum of squares', () => {
    // Values 1, 2, 3, 4: mean 2.5, sample variance (30 − 10²/4) / 3 = 5/3.
    const estimate = armEstimate({ kind: 'mean', count: 4, sum: 10, sumSquares: 30 });
    expect(estimate?.value).toBe(2.5);
    expect(estimate?.unitVariance).toBeCloseTo(5 / 3, 12);
    expect(estimate?.variance).toBeCloseTo(5 / 12, 12);
  });

  it('has no estimate without samples', () => {
    expect(armEstimate({ kind: 'ratio', successes: 0, trials: 0 })).toBeNull();
    expect(armEstimate({ kind: 'mean', count: 0, sum: 0, sumSquares: 0 })).toBeNull();
  });

  it('takes logs by the delta method, half an event added to proportions', () => {
    const ratio = logArmEstimate({ kind: 'ratio', successes: 30, trials: 1000 });
    expect(ratio?.value).toBeCloseTo(Math.log(30.5 / 1001), 12);
    expect(ratio?.unitVariance).toBeCloseTo(970.5 / 30.5, 9);
    const mean = logArmEstimate({ kind: 'mean', count: 4, sum: 10, sumSquares: 30 });
    expect(mean?.value).toBeCloseTo(Math.log(2.5), 12);
    expect(mean?.variance).toBeCloseTo(5 / 12 / 6.25, 12);
    expect(logArmEstimate({ kind: 'mean', count: 2, sum: 0, sumSquares: 2 })).toBeNull();
  });

  it('takes logits of proportions', () => {
    const estimate = logitArmEstimate({ kind: 'ratio', successes: 30, trials: 1000 });
    expect(estimate?.value).toBeCloseTo(Math.log(30.5 / 970.5), 12);
    expect(estimate?.unitVariance).toBeCloseTo((1001 * 1001) / (30.5 * 970.5), 9);
    expect(logitArmEstimate({ kind: 'mean', count: 4, sum: 10, sumSquares: 30 })).toBeNull();
  });

  it('subtracts independent arms for the absolute difference', () => {
    const treatment = armEstimate({ kind: 'ratio', successes: 40, trials: 2000 });
    const control = armEstimate({ kind: 'ratio', successes: 20, trials: 2000 });
    if (!treatment || !control) throw new Error('expected estimates');
    const difference = differenceEstimate(treatment, control);
    expect(difference.value).toBeCloseTo(0.01, 12);
    expect(difference.variance).toBeCloseTo(
      ((42 / 2004) * (1962 / 2004) + (22 / 2004) * (1982 / 2004)) / 2000,
      12,
    );
  });

  it('subtracts log estimates of independent arms for the log ratio', () => {
    const treatment = { value: Math.log(3), variance: 0.02, unitVariance: 20 };
    const control = { value: Math.log(2), variance: 0.01, unitVariance: 10 };
    expect(differenceEstimate(treatment, control)).toEqual({
      value: Math.log(3) - Math.log(2),
      variance: 0.03,
      unitVariance: 30,
    });
  });
});
