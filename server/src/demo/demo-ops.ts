import { TELEMETRY_BUDGET_SOURCE } from '../budgets/budget-service';
import { DEMO_SETUP_ACTOR, RELEASE_MANAGERS } from './demo-crew';
import { attempt, chance, pick, type SimContext } from './demo-sim-context';
import { SERVICES } from './demo-spec-kit';

/** A drained budget earns back this much per report: from 4% it clears the 10% gate in about 8 minutes. */
const BUDGET_RECOVERY_PER_REPORT = 0.015;
const BUDGET_REPORT_EVERY_MS = 120_000;
const BUDGET_RECOVERED_AT = 0.3;

/**
 * The world around the queue: the SLO exporter reports a drained error budget recovering as the
 * bad hour leaves the window (until the demo's own telemetry measures that service), and once in
 * a while a release manager freezes a service.
 */
export function runOps(ctx: SimContext): void {
  recoverBudgets(ctx);
  maybeFreeze(ctx);
}

function recoverBudgets(ctx: SimContext): void {
  const { policy } = ctx.runway;
  const exporter = ctx.crew.actor('slo-exporter');
  for (const slo of policy.view(DEMO_SETUP_ACTOR).slos) {
    // Once the demo's telemetry measures a service, Runway computes its budget itself.
    if (slo.budgetSource?.startsWith(TELEMETRY_BUDGET_SOURCE)) continue;
    if (slo.remainingFraction === null || slo.remainingFraction >= BUDGET_RECOVERED_AT) continue;
    if (slo.budgetUpdatedAt !== null && ctx.nowMs - slo.budgetUpdatedAt < BUDGET_REPORT_EVERY_MS)
      continue;
    // Rounded so the gate compares 0.1 with 0.1, not with 0.09999999999999999.
    const remainingFraction =
      Math.round((slo.remainingFraction + BUDGET_RECOVERY_PER_REPORT) * 1000) / 1000;
    const burnRate = Math.max(0.6, Math.round(((slo.burnRate ?? 1) - 0.15) * 100) / 100);
    attempt(
      ctx,
      null,
      `slo-exporter reported ${slo.service} error budget at ${Math.round(remainingFraction * 1000) / 10}%`,
      () =>
        policy.setBudget(
          {
            service: slo.service,
            remainingFraction,
            burnRate,
            source: 'slo-exporter (28d window)',
          },
          exporter,
        ),
    );
  }
}

function maybeFreeze(ctx: SimContext): void {
  if (!chance(ctx, 0.002)) return;
  const { policy } = ctx.runway;
  if (policy.view(DEMO_SETUP_ACTOR).freezes.length > 0) return;
  const service = pick(ctx, SERVICES);
  const minutes = 8 + Math.floor(ctx.random() * 8);
  const ticket = `CHG-${4500 + Math.floor(ctx.random() * 900)}`;
  const reason = pick(ctx, [
    `${ticket}: ${service} database minor-version upgrade, no ${service} changes until it is verified`,
    `${ticket}: on-call handover for ${service} during an open incident review`,
    `${ticket}: partner traffic test against ${service}, keep its behaviour stable`,
  ]);
  const actor = ctx.crew.actor(pick(ctx, RELEASE_MANAGERS));
  attempt(ctx, null, `${actor.name} froze ${service} for ${minutes} minutes`, () =>
    policy.freeze({ service, untilMs: ctx.nowMs + minutes * 60_000, reason }, actor),
  );
}
