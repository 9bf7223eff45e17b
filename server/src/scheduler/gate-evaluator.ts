import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import type { Clock } from '../clock';
import { decide, type SchedulerDecision } from './decide';
import type { DecisionWorker } from './decision-worker';
import type { SchedulerEpochs } from './scheduler-epochs';
import type { SchedulerExperiment, SchedulerSnapshot } from './scheduler-snapshot';
import type { SchedulerStore } from './scheduler-store';

/** Reasons mention remaining hold times, so even an unchanged queue is re-decided this often. */
const MAX_AGE_MS = 1_000;

interface KnownDecision {
  epoch: number;
  atMs: number;
  decision: SchedulerDecision;
  reasons: Map<string, readonly BlockedReason[]>;
}

/**
 * Read side of the scheduler: blocked reasons "always available from the API" (DESIGN §3),
 * computed by the same decide() the scheduler applies. With a worker attached, decisions are
 * computed off the HTTP thread; without one (tests, tools), in process on demand.
 */
export class GateEvaluator {
  private known: KnownDecision | null = null;
  private worker: DecisionWorker | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly store: SchedulerStore,
    private readonly epochs: SchedulerEpochs,
    private readonly clock: Clock,
  ) {}

  useWorker(worker: DecisionWorker | null): void {
    this.worker = worker;
  }

  snapshot(): SchedulerSnapshot {
    return this.store.loadSnapshot(this.clock.now());
  }

  /** Records a decision computed elsewhere (a tick) at `epoch`, if it is newer than what is known. */
  offer(decision: SchedulerDecision, epoch: number, atMs: number): void {
    if (this.known && this.known.epoch > epoch) return;
    const reasons = new Map<string, readonly BlockedReason[]>();
    for (const entry of decision.blocked) reasons.set(entry.key, entry.reasons);
    for (const entry of decision.held) reasons.set(entry.key, entry.reasons);
    this.known = { epoch, atMs, decision, reasons };
  }

  /**
   * Why an experiment cannot start (queued) or ramp (running); empty when nothing holds it.
   * With a worker this is the latest decision, which `refresh()` brings up to date.
   */
  blockedReasons(key: string): readonly BlockedReason[] {
    if (!this.worker || !this.known) this.ensureInProcess();
    return this.known!.reasons.get(key) ?? [];
  }

  current(): SchedulerDecision {
    if (!this.worker || !this.known) this.ensureInProcess();
    return this.known!.decision;
  }

  /** Makes the known decision reflect every change committed so far (and be under a second old). */
  async refresh(): Promise<void> {
    if (!this.worker) {
      this.ensureInProcess();
      return;
    }
    // Only what was committed before this call must be reflected: later changes cannot keep a
    // reader waiting.
    const target = this.epochs.current();
    while (!this.isFresh(target)) {
      this.inFlight ??= this.fetchFromWorker(this.worker).finally(() => {
        this.inFlight = null;
      });
      await this.inFlight;
    }
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
      const verdict: SchedulerExperiment['guardrailVerdict'] =
        experiment.guardrailVerdict === 'fail' ? 'fail' : experiment.guardrailVerdict === null ? null : 'pass';
      return { ...experiment, stageStartedAtMs: Number.NEGATIVE_INFINITY, guardrailVerdict: verdict };
    });
    const decision = decide({ ...snapshot, experiments }, nowMs);
    if (decision.ramps.some((ramp) => ramp.key === key) || decision.completions.some((done) => done.key === key)) return [];
    return decision.held.find((entry) => entry.key === key)?.reasons ?? [];
  }

  private isFresh(epoch = this.epochs.current()): boolean {
    const nowMs = this.clock.now();
    return this.known !== null && this.known.epoch >= epoch && nowMs - this.known.atMs < MAX_AGE_MS && nowMs >= this.known.atMs;
  }

  private async fetchFromWorker(worker: DecisionWorker): Promise<void> {
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    this.offer(await worker.decide(nowMs), epoch, nowMs);
  }

  private ensureInProcess(): void {
    if (this.isFresh()) return;
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    this.offer(decide(this.store.loadSnapshot(nowMs), nowMs), epoch, nowMs);
  }
}
