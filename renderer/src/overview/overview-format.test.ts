import { describe, expect, it } from 'vitest';
import type { FreezeView, ServiceBudgetView } from '../../../shared/src/api-types';
import {
  budgetGateText,
  formatBurnRate,
  formatFraction,
  objectiveText,
  relativeTime,
  splitFreezes,
} from './overview-format';
import { acknowledgeAvailability } from './page-rules';

const POLICY = { minRemainingFraction: 0.1, maxBurnRate: 2 };

function budget(overrides: Partial<ServiceBudgetView>): ServiceBudgetView {
  return {
    service: 'checkout',
    objective: 0.999,
    windowMs: 28 * 86_400_000,
    remainingFraction: 0.5,
    burnRate: 1,
    updatedAtMs: 0,
    source: null,
    blocking: false,
    ...overrides,
  };
}

describe('budget wording', () => {
  it('says "not measured yet" for null, never 0', () => {
    expect(formatFraction(null)).toBe('not measured yet');
    expect(formatBurnRate(null)).toBe('not measured yet');
    expect(formatFraction(0)).toBe('0%');
    expect(formatBurnRate(0)).toBe('0×');
  });

  it('formats fractions and burn rates readably, including an overspent budget', () => {
    expect(formatFraction(0.42)).toBe('42%');
    expect(formatFraction(0.005)).toBe('0.5%');
    expect(formatFraction(-0.12)).toBe('-12%');
    expect(formatBurnRate(1.4)).toBe('1.4×');
    expect(formatBurnRate(2.345)).toBe('2.35×');
    expect(formatBurnRate(14.04)).toBe('14×');
    expect(objectiveText(budget({}))).toBe('99.9% over 28d');
  });

  it('explains the gate from the policy, each breached threshold named', () => {
    expect(budgetGateText(budget({}), POLICY)).toBe('Open');
    expect(budgetGateText(budget({ remainingFraction: 0.03, blocking: true }), POLICY)).toBe(
      'Blocks new starts and ramps: 3% left, below the minimum of 10%',
    );
    expect(budgetGateText(budget({ burnRate: 3, blocking: true }), POLICY)).toBe(
      'Blocks new starts and ramps: burning at 3×, above the maximum of 2×',
    );
    expect(budgetGateText(budget({ remainingFraction: null, burnRate: null }), POLICY)).toMatch(
      /^Not measured yet/,
    );
  });
});

describe('freezes and times', () => {
  it('splits freezes into in force (started) and scheduled', () => {
    const freeze = (id: number, startsAtMs: number): FreezeView => ({
      id,
      service: null,
      startsAtMs,
      endsAtMs: startsAtMs + 10,
      reason: 'r',
      createdBy: 'bob',
    });
    const { inForce, scheduled } = splitFreezes(
      [freeze(1, 50), freeze(2, 100), freeze(3, 101)],
      100,
    );
    expect(inForce.map((f) => f.id)).toEqual([1, 2]);
    expect(scheduled.map((f) => f.id)).toEqual([3]);
  });

  it('says when something was or will be, to the minute', () => {
    expect(relativeTime(1_000, 0)).toBe('in under a minute');
    expect(relativeTime(0, 30_000)).toBe('just now');
    expect(relativeTime(0, 90 * 60_000 + 59_000)).toBe('1h30m ago');
    expect(relativeTime(2 * 86_400_000, 0)).toBe('in 2d');
  });
});

describe('acknowledging pages', () => {
  it('is for operators and above; anyone else sees why not', () => {
    expect(acknowledgeAvailability({ name: 'vic', role: 'viewer' })).toEqual({
      enabled: false,
      why: 'Only operators and above can acknowledge pages; you are signed in as viewer.',
    });
    for (const role of ['operator', 'release-manager', 'admin'] as const)
      expect(acknowledgeAvailability({ name: 'x', role })).toEqual({ enabled: true, why: null });
    expect(acknowledgeAvailability(null).enabled).toBe(false);
  });
});
