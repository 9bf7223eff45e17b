import type {
  FreezeView,
  OverviewView,
  PageKind,
  ServiceBudgetView,
} from '../../../shared/src/api-types';
import { formatDuration } from '../../../shared/src/duration';

// How the overview words budgets, freezes and pages. Pure.

export type BudgetPolicy = OverviewView['budgetPolicy'];

export const NOT_MEASURED = 'not measured yet';

/** A fraction of the budget as a percentage: "42%", "0.5%", "-12%" (overspent). */
export function formatFraction(fraction: number | null): string {
  if (fraction === null) return NOT_MEASURED;
  const percent = fraction * 100;
  const digits = Math.abs(percent) < 1 && percent !== 0 ? 1 : 0;
  return `${Number(percent.toFixed(digits))}%`;
}

/** A burn rate as a multiple of the sustainable rate: "1.4×". */
export function formatBurnRate(burnRate: number | null): string {
  if (burnRate === null) return NOT_MEASURED;
  return `${Number(burnRate.toFixed(burnRate < 10 ? 2 : 1))}×`;
}

/** The policy as a sentence, so every verdict below it can be checked by eye. */
export function budgetPolicyText(policy: BudgetPolicy): string {
  return (
    `New starts and ramps need at least ${formatFraction(policy.minRemainingFraction)} of a ` +
    `service's error budget left and a burn rate of at most ${formatBurnRate(policy.maxBurnRate)}.`
  );
}

/**
 * What the budget gate does about a service now, and why — the same test the scheduler applies
 * (the server's `blocking` decides; the reasons only explain it).
 */
export function budgetGateText(budget: ServiceBudgetView, policy: BudgetPolicy): string {
  if (budget.remainingFraction === null)
    return 'Not measured yet: the gate does not hold this service back until a budget is reported.';
  if (!budget.blocking) return 'Open';
  const reasons: string[] = [];
  if (budget.remainingFraction < policy.minRemainingFraction)
    reasons.push(
      `${formatFraction(budget.remainingFraction)} left, below the minimum of ${formatFraction(policy.minRemainingFraction)}`,
    );
  if ((budget.burnRate ?? 0) > policy.maxBurnRate)
    reasons.push(
      `burning at ${formatBurnRate(budget.burnRate)}, above the maximum of ${formatBurnRate(policy.maxBurnRate)}`,
    );
  return `Blocks new starts and ramps: ${reasons.join('; ') || 'outside the policy'}`;
}

/** "99.9% over 28d". */
export function objectiveText(budget: Pick<ServiceBudgetView, 'objective' | 'windowMs'>): string {
  return `${Number((budget.objective * 100).toFixed(3))}% over ${formatDuration(budget.windowMs)}`;
}

/** In force (started) first, then scheduled; each group by when it starts, as the server sends them. */
export function splitFreezes(
  freezes: readonly FreezeView[],
  nowMs: number,
): { inForce: FreezeView[]; scheduled: FreezeView[] } {
  return {
    inForce: freezes.filter((freeze) => freeze.startsAtMs <= nowMs),
    scheduled: freezes.filter((freeze) => freeze.startsAtMs > nowMs),
  };
}

export function freezeScope(freeze: Pick<FreezeView, 'service'>): string {
  return freeze.service ?? 'all services';
}

export const PAGE_KIND_LABEL: Record<PageKind, string> = {
  guardrail: 'Guardrail failed',
  telemetry_lost: 'Telemetry lost',
  rollback: 'Rolled back',
  stuck: 'Stuck',
};

/** "in 2h", "3m ago": a moment relative to now. */
export function relativeTime(atMs: number, nowMs: number): string {
  const deltaMs = atMs - nowMs;
  if (Math.abs(deltaMs) < 60_000) return deltaMs >= 0 ? 'in under a minute' : 'just now';
  const span = formatDuration(Math.floor(Math.abs(deltaMs) / 60_000) * 60_000);
  return deltaMs > 0 ? `in ${span}` : `${span} ago`;
}
