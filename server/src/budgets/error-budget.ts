// A service's error budget from its own telemetry (pure): how much of the budget its SLO allows
// is left, and how fast it burns, over a short and a long window (multi-window burn rates, as in
// Google's SRE workbook: the long window shows the burn is real, the short one that it is still
// going on).

/** Errors and requests counted over one window. */
export interface WindowCounts {
  readonly errors: number;
  readonly requests: number;
}

export interface BudgetInputs {
  /** The SLO's objective, e.g. 0.999 (at most 0.1% of requests may fail). */
  readonly objective: number;
  readonly short: WindowCounts;
  readonly long: WindowCounts;
  /** Over the SLO window (as far back as telemetry is kept). */
  readonly slo: WindowCounts;
}

export interface ErrorBudget {
  /** 1 − errors / (allowed error share × requests) over the SLO window; negative when overspent. */
  readonly remainingFraction: number;
  /** Error rate / allowed error rate over the short and the long window; null without requests. */
  readonly shortBurnRate: number | null;
  readonly longBurnRate: number | null;
  /**
   * What the budget gate compares with its maximum: the smaller of the two, so that only a burn
   * seen in both windows holds experiments back (a spike that is over, or a slow leak, does not).
   */
  readonly burnRate: number;
}

/** Lowest remaining fraction stored: an overspent budget reads as overspent, not as −1000%. */
export const MIN_REMAINING_FRACTION = -10;

function burnRate(counts: WindowCounts, allowed: number): number | null {
  return counts.requests > 0 ? counts.errors / counts.requests / allowed : null;
}

/** Null when the SLO window holds no requests at all: nothing to compute a budget from. */
export function computeErrorBudget(inputs: BudgetInputs): ErrorBudget | null {
  if (inputs.slo.requests <= 0) return null;
  const allowed = 1 - inputs.objective;
  const consumed = inputs.slo.errors / (allowed * inputs.slo.requests);
  const shortBurnRate = burnRate(inputs.short, allowed);
  const longBurnRate = burnRate(inputs.long, allowed);
  return {
    remainingFraction: Math.max(MIN_REMAINING_FRACTION, 1 - consumed),
    shortBurnRate,
    longBurnRate,
    burnRate: Math.min(shortBurnRate ?? 0, longBurnRate ?? 0),
  };
}

/**
 * The budget gate (DESIGN §4): which of its two tests a service's budget fails. The scheduler's
 * blocked reasons and the overview's "blocks now" both come from here.
 */
export function budgetGateBreaches(
  budget: { remainingFraction: number; burnRate: number },
  policy: { minRemainingFraction: number; maxBurnRate: number },
): { remainingTooLow: boolean; burningTooFast: boolean } {
  return {
    remainingTooLow: budget.remainingFraction < policy.minRemainingFraction,
    burningTooFast: budget.burnRate > policy.maxBurnRate,
  };
}
