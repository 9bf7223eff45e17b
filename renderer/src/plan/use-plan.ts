import type { Plan } from '../../../server/src/scheduler/plan';
import { runwayClient } from '../api/runway-client';
import { useLiveQuery } from '../app/use-live-query';

/** The forecast starts at now, and freezes and holds end with the clock: redo it now and then. */
export const PLAN_POLL_MS = 60_000;

export interface PlanData {
  /** null until the first answer. */
  plan: Plan | null;
  error: string | null;
  reload(): void;
}

const loadPlan = (): Promise<Plan> => runwayClient().scheduler.plan.query();

/** scheduler.plan, redone after each burst of live changes and every PLAN_POLL_MS. */
export function usePlan(pollMs: number = PLAN_POLL_MS): PlanData {
  const { data, error, reload } = useLiveQuery(loadPlan, pollMs);
  return { plan: data, error, reload };
}
