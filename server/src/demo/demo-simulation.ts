import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Runway } from '../runway';
import { DEMO_READER, resolveCrew } from './demo-crew';
import { topUp } from './demo-ideas';
import { runOps } from './demo-ops';
import { actAsPeople } from './demo-people';
import type { SimContext } from './demo-sim-context';

const OPEN_STATES: readonly ExperimentState[] = ['pending_approval', 'queued', 'running', 'paused'];

export interface SimulationStep {
  /** What happened, one line per action, in order. */
  actions: string[];
}

/**
 * One step of the demo's day at the runway clock's now: the crew's approvals, pauses and
 * follow-ups, the world around the queue, and a fresh experiment when the queue runs low. It
 * never ticks the scheduler nor judges guardrails: the server's own loops do (on the telemetry
 * DemoTraffic sends), and tests drive them by hand.
 *
 * Stateless apart from the database and `random`, so it carries on across restarts. Steps that
 * lose a race with the scheduler are skipped (see `attempt`); anything else is a bug and throws.
 */
export function simulateStep(runway: Runway, random: () => number): SimulationStep {
  // Only a database seeded as a demo has the crew; the simulation never touches any other.
  const crew = resolveCrew(runway, { create: false });
  if (!crew) return { actions: [] };
  const ctx: SimContext = {
    runway,
    crew,
    random,
    nowMs: runway.clock.now(),
    open: runway.experiments.list({ states: OPEN_STATES }, DEMO_READER),
    actions: [],
    touched: new Set(),
  };
  actAsPeople(ctx);
  runOps(ctx);
  topUp(ctx);
  return { actions: ctx.actions };
}
