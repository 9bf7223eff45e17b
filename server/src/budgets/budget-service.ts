import type { ChangeFeed } from '../events/change-feed';
import type { PolicyStore, ServiceSloRow } from '../policy/policy-store';
import type { TelemetryService } from '../telemetry/telemetry-service';
import { computeErrorBudget, type ErrorBudget, type WindowCounts } from './error-budget';

/** The budget gate's windows: a burn must show over both to hold experiments back. */
export const SHORT_BURN_WINDOW_MS = 60 * 60 * 1_000;
export const LONG_BURN_WINDOW_MS = 6 * 60 * 60 * 1_000;

/** How often budgets are recomputed from telemetry (serve.ts). */
export const BUDGET_REFRESH_INTERVAL_MS = 30_000;

/** The SLI whose telemetry measures a service's error budget. */
export const BUDGET_SLI = 'error_rate';

export const TELEMETRY_BUDGET_SOURCE = 'telemetry';

export interface BudgetServiceDeps {
  readonly policy: Pick<PolicyStore, 'slos' | 'findSli' | 'setBudget'>;
  readonly telemetry: Pick<TelemetryService, 'serviceTotal' | 'retentionMs'>;
  readonly feed: Pick<ChangeFeed, 'signal'>;
}

export interface BudgetRefresh {
  readonly service: string;
  readonly budget: ErrorBudget;
  /** False when the stored figures were already this close (nothing written). */
  readonly changed: boolean;
}

/**
 * Feeds the scheduler's budget gate from telemetry: for each service with an SLO whose
 * error_rate SLI is computed from OTLP sums, the remaining budget over the SLO window (as much
 * of it as telemetry keeps) and the 1 h / 6 h burn rates, summed over every experiment arm of
 * the service. A service without such telemetry keeps what an operator or an external SLO tool
 * set with policy.setBudget. Measurements, like guardrail verdicts: stored without an audit
 * entry, and the scheduler is woken only when they change.
 */
export class BudgetService {
  constructor(private readonly deps: BudgetServiceDeps) {}

  refreshFromTelemetry(nowMs: number): BudgetRefresh[] {
    const refreshed: BudgetRefresh[] = [];
    for (const slo of this.deps.policy.slos()) {
      const budget = this.measure(slo, nowMs);
      if (!budget) continue;
      const changed = differs(slo, budget);
      if (changed) {
        this.deps.policy.setBudget(
          slo.service,
          budget.remainingFraction,
          budget.burnRate,
          nowMs,
          describe(budget),
        );
      }
      refreshed.push({ service: slo.service, budget, changed });
    }
    if (refreshed.some((entry) => entry.changed)) this.deps.feed.signal();
    return refreshed;
  }

  private measure(slo: ServiceSloRow, nowMs: number): ErrorBudget | null {
    const source = this.deps.policy.findSli(slo.service, BUDGET_SLI)?.source;
    if (source?.kind !== 'ratio') return null;
    const counts = (windowMs: number): WindowCounts => {
      const fromMs = nowMs - windowMs;
      const total = (metric: string): number =>
        this.deps.telemetry.serviceTotal(slo.service, metric, fromMs, nowMs + 1);
      return { errors: total(source.numeratorMetric), requests: total(source.denominatorMetric) };
    };
    return computeErrorBudget({
      objective: slo.objective,
      short: counts(SHORT_BURN_WINDOW_MS),
      long: counts(LONG_BURN_WINDOW_MS),
      slo: counts(Math.min(slo.windowMs, this.deps.telemetry.retentionMs)),
    });
  }
}

function differs(slo: ServiceSloRow, budget: ErrorBudget): boolean {
  if (!slo.budgetSource?.startsWith(TELEMETRY_BUDGET_SOURCE)) return true;
  return (
    slo.remainingFraction === null ||
    slo.burnRate === null ||
    Math.abs(slo.remainingFraction - budget.remainingFraction) >= 0.001 ||
    Math.abs(slo.burnRate - budget.burnRate) >= 0.01
  );
}

function describe(budget: ErrorBudget): string {
  const rate = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)}x`);
  return `${TELEMETRY_BUDGET_SOURCE}: burn ${rate(budget.shortBurnRate)} over 1h, ${rate(budget.longBurnRate)} over 6h`;
}
