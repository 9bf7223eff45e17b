import { SCHEDULER_ACTOR, type Actor } from '../actor';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { TransitionResult } from '../../../shared/src/api-types';
import { RunwayError } from '../../../shared/src/errors';
import { decide, type SchedulerDecision } from './decide';
import type { DecisionWorker } from './decision-worker';
import type { GateEvaluator } from './gate-evaluator';
import { plan, type Plan } from './plan';
import type { SchedulerEpochs } from './scheduler-epochs';
import type { SchedulerStore } from './scheduler-store';

export interface DecisionApplier {
  applyDecision(decision: SchedulerDecision, actor: Actor): TransitionResult;
}

export interface TickResult {
  decision: SchedulerDecision;
  applied: TransitionResult;
  durationMs: number;
}

const NOTHING_CHANGED: TransitionResult = { changed: [] };

function hasWork(decision: SchedulerDecision): boolean {
  return decision.starts.length + decision.ramps.length + decision.completions.length > 0;
}

/** The shell around decide(): load a snapshot, decide, apply in one transaction. */
export class SchedulerService {
  constructor(
    private readonly store: SchedulerStore,
    private readonly applier: DecisionApplier,
    private readonly gates: GateEvaluator,
    private readonly epochs: SchedulerEpochs,
    private readonly clock: Clock,
    private readonly onTick: (durationMs: number) => void = () => {},
  ) {}

  /** One tick in this thread, start to finish (tests, tools, and `scheduler.tick`). */
  tick(): TickResult {
    const started = performance.now();
    // The decision describes the queue before it is applied: it is known at that epoch, and
    // readers after the apply get a newer one.
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    const decision = decide(this.store.loadSnapshot(nowMs), nowMs);
    this.gates.offer(decision, epoch, nowMs);
    const applied = hasWork(decision)
      ? this.applier.applyDecision(decision, SCHEDULER_ACTOR)
      : NOTHING_CHANGED;
    const durationMs = performance.now() - started;
    this.onTick(durationMs);
    return { decision, applied, durationMs };
  }

  /**
   * One tick with the deciding done in the worker thread. The decision was taken on a snapshot
   * that may be a few milliseconds old: it is applied only if nothing but scheduling-neutral
   * changes were committed meanwhile (else null: the caller ticks again), and every transition
   * is still version-checked.
   */
  async tickOffThread(worker: DecisionWorker): Promise<TickResult | null> {
    const started = performance.now();
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    // Actions only: the reasons for reads are fetched when someone reads.
    const decision = await worker.decide(nowMs, 'actions');
    if (!this.epochs.safeSince(epoch)) return null;
    let applied = NOTHING_CHANGED;
    if (hasWork(decision)) {
      try {
        applied = this.applier.applyDecision(decision, SCHEDULER_ACTOR);
      } catch (error) {
        if (
          error instanceof RunwayError &&
          (error.code === 'VERSION_CONFLICT' || error.code === 'INVALID_TRANSITION')
        )
          return null;
        throw error;
      }
    }
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
