import type { OverviewView, ServiceBudgetView } from '../../../shared/src/api-types';
import type { Actor } from '../actor';
import { requireRole } from '../auth/auth-service';
import { budgetGateBreaches } from '../budgets/error-budget';
import type { Clock } from '../clock';
import type { PageStore } from '../pages/page-store';
import type { BudgetPolicyRow, PolicyStore, ServiceSloRow } from '../policy/policy-store';
import type { OverviewStore } from './overview-store';

export interface OverviewServiceDeps {
  store: OverviewStore;
  policy: Pick<PolicyStore, 'slos' | 'budgetPolicy' | 'currentAndFutureFreezes'>;
  pages: Pick<PageStore, 'list'>;
  clock: Clock;
}

const RECENT_AUTOMATIC_ACTIONS = 25;
const OPEN_PAGES = 100;

/** The fleet at a glance: what the console's overview and the Slack digest summarise. */
export class OverviewService {
  constructor(private readonly deps: OverviewServiceDeps) {}

  get(actor: Actor): OverviewView {
    requireRole(actor, 'viewer');
    const nowMs = this.deps.clock.now();
    const budgetPolicy = this.deps.policy.budgetPolicy();
    const freezes = this.deps.policy
      .currentAndFutureFreezes(nowMs)
      .map((freeze) => ({
        id: freeze.id,
        service: freeze.service,
        startsAtMs: freeze.startsAt,
        endsAtMs: freeze.endsAt,
        reason: freeze.reason,
        createdBy: freeze.createdBy,
      }))
      .sort((a, b) => a.startsAtMs - b.startsAtMs || a.id - b.id);
    return {
      nowMs,
      countsByState: this.deps.store.countsByState(),
      budgets: this.deps.policy.slos().map((slo) => budgetView(slo, budgetPolicy)),
      budgetPolicy,
      freezes,
      recentAutomaticActions: this.deps.store.recentAutomaticActions(RECENT_AUTOMATIC_ACTIONS),
      openPages: this.deps.pages.list({ open: true, limit: OPEN_PAGES }),
    };
  }
}

/** A service's budget and whether the scheduler's budget gate holds it back now. */
export function budgetView(slo: ServiceSloRow, policy: BudgetPolicyRow): ServiceBudgetView {
  const remaining = slo.remainingFraction;
  // Unmeasured budgets gate nothing; a missing burn rate counts as 0, as the scheduler reads it.
  const breaches =
    remaining === null
      ? null
      : budgetGateBreaches({ remainingFraction: remaining, burnRate: slo.burnRate ?? 0 }, policy);
  const blocking = breaches !== null && (breaches.remainingTooLow || breaches.burningTooFast);
  return {
    service: slo.service,
    objective: slo.objective,
    windowMs: slo.windowMs,
    remainingFraction: remaining,
    burnRate: slo.burnRate,
    updatedAtMs: slo.budgetUpdatedAt,
    source: slo.budgetSource,
    blocking,
  };
}
