import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import type { Clock } from '../clock';
import { decide, type SchedulerDecision } from './decide';
import type { SchedulerExperiment, SchedulerSnapshot } from './scheduler-snapshot';
import type { SchedulerStore } from './scheduler-store';

const MAX_AGE_MS = 1_000;

/**
 * Read side of the scheduler: blocked reasons "always available from the API" (DESIGN §3),
 * computed by the same decide() the scheduler applies, cached until the queue changes.
 */
export class GateEvaluator {
  private cached: { atMs: number; decision: SchedulerDecision; reasons: Map<string, readonly BlockedReason[]> } | null = null;

  constructor(
    private readonly store: SchedulerStore,
    private readonly clock: Clock,
  ) {}

  invalidate(): void {
    this.cached = null;
  }

  snapshot(): SchedulerSnapshot {
    return this.store.loadSnapshot(this.clock.now());
  }

  current(): SchedulerDecision {
    return this.ensure().decision;
  }

  /** Why an experiment cannot start (queued) or ramp (running) right now; empty when nothing holds it. */
  blockedReasons(key: string): readonly BlockedReason[] {
    return this.ensure().reasons.get(key) ?? [];
  }

  /**
   * Gates for a person's advance: the hold time and a lack of data are theirs to override, but a
   * failing guardrail, a freeze, the error budget, layer room and stage approvals are not.
   */
  manualAdvanceBlockers(key: string): readonly BlockedReason[] {
    const nowMs = this.clock.now();
    const snapshot = this.store.loadSnapshot(nowMs);
    const experiments = snapshot.experiments.map((experiment): SchedulerExperiment => {
      if (experiment.key !== key) return experiment;
      const verdict: SchedulerExperiment['guardrailVerdict'] = experiment.guardrailVerdict === 'fail' ? 'fail' : experiment.guardrailVerdict === null ? null : 'pass';
      return { ...experiment, stageStartedAtMs: Number.NEGATIVE_INFINITY, guardrailVerdict: verdict };
    });
    const decision = decide({ ...snapshot, experiments }, nowMs);
    if (decision.ramps.some((ramp) => ramp.key === key) || decision.completions.some((done) => done.key === key)) return [];
    return decision.held.find((entry) => entry.key === key)?.reasons ?? [];
  }

  private ensure(): NonNullable<GateEvaluator['cached']> {
    const nowMs = this.clock.now();
    if (this.cached && nowMs - this.cached.atMs < MAX_AGE_MS && nowMs >= this.cached.atMs) return this.cached;
    const decision = decide(this.store.loadSnapshot(nowMs), nowMs);
    const reasons = new Map<string, readonly BlockedReason[]>();
    for (const entry of [...decision.blocked, ...decision.held]) reasons.set(entry.key, entry.reasons);
    this.cached = { atMs: nowMs, decision, reasons };
    return this.cached;
  }
}
