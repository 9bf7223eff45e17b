import { describe, expect, it } from 'vitest';
import { computeErrorBudget } from './error-budget';

const counts = (errors: number, requests: number) => ({ errors, requests });

describe('computeErrorBudget', () => {
  it('has nothing to say without requests in the SLO window', () => {
    expect(
      computeErrorBudget({
        objective: 0.999,
        short: counts(0, 0),
        long: counts(0, 0),
        slo: counts(0, 0),
      }),
    ).toBeNull();
  });

  it('spends the budget in proportion to errors over the allowed share', () => {
    // 99.9% over 1,000,000 requests allows 1,000 errors; 250 spent leaves 75%.
    const budget = computeErrorBudget({
      objective: 0.999,
      short: counts(10, 10_000),
      long: counts(60, 60_000),
      slo: counts(250, 1_000_000),
    });
    expect(budget?.remainingFraction).toBeCloseTo(0.75, 9);
    expect(budget?.shortBurnRate).toBeCloseTo(1, 9);
    expect(budget?.longBurnRate).toBeCloseTo(1, 9);
    expect(budget?.burnRate).toBeCloseTo(1, 9);
  });

  it('reports the burn seen in both windows: a spike that is over does not hold anything back', () => {
    const spikeOver = computeErrorBudget({
      objective: 0.99,
      short: counts(0, 10_000),
      long: counts(3_000, 60_000),
      slo: counts(3_000, 600_000),
    });
    expect(spikeOver?.longBurnRate).toBeCloseTo(5, 9);
    expect(spikeOver?.shortBurnRate).toBe(0);
    expect(spikeOver?.burnRate).toBe(0);
    const ongoing = computeErrorBudget({
      objective: 0.99,
      short: counts(1_500, 10_000),
      long: counts(3_000, 60_000),
      slo: counts(3_000, 600_000),
    });
    expect(ongoing?.burnRate).toBeCloseTo(5, 9);
  });

  it('reads an overspent budget as negative, floored at -10', () => {
    const budget = computeErrorBudget({
      objective: 0.9999,
      short: counts(500, 1_000),
      long: counts(500, 1_000),
      slo: counts(500, 1_000),
    });
    expect(budget?.remainingFraction).toBe(-10);
    expect(budget?.burnRate).toBeCloseTo(5_000, 6);
  });
});
