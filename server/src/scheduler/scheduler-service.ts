import { SCHEDULER_ACTOR, type Actor } from '../actor';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { TransitionResult } from '../../../shared/src/api-types';
import { decide, type SchedulerDecision } from './decide';
import type { GateEvaluator } from './gate-evaluator';
import { plan, type Plan } from './plan';
import type { SchedulerStore } from './scheduler-store';

export interface DecisionApplier {
  applyDecision(decision: SchedulerDecision, actor: Actor): TransitionResult;
}

export interface TickResult {
  decision: SchedulerDecision;
  applied: TransitionResult;
  durationMs: number;
}

/** The shell around decide(): load a snapshot, decide, apply in one transaction. */
export class SchedulerService {
  constructor(
    private readonly store: SchedulerStore,
    private readonly applier: DecisionApplier,
    private readonly gates: GateEvaluator,
    private readonly clock: Clock,
    private readonly onTick: (durationMs: number) => void = () => {},
  ) {}

  tick(): TickResult {
    const started = performance.now();
    const nowMs = this.clock.now();
    const decision = decide(this.store.loadSnapshot(nowMs), nowMs);
    const hasWork = decision.starts.length + decision.ramps.length + decision.completions.length > 0;
    const applied = hasWork ? this.applier.applyDecision(decision, SCHEDULER_ACTOR) : { changed: [] };
    this.gates.invalidate();
    const durationMs = performance.now() - started;
    this.onTick(durationMs);
    return { decision, applied, durationMs };
  }

  plan(actor: Actor): Plan {
    requireRole(actor, 'viewer');
    const nowMs = this.clock.now();
    return plan(this.store.loadSnapshot(nowMs), nowMs);
  }
}
