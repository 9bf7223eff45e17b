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
  /** The keys whose reasons it holds; null when it holds every experiment's. */
  covered: ReadonlySet<string> | null;
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

  /**
   * Records a complete decision computed elsewhere (an in-process tick) at `epoch`, or one with
   * the reasons of `covered` keys only, if it is newer than what is known.
   */
  offer(
    decision: SchedulerDecision,
    epoch: number,
    atMs: number,
    covered: ReadonlySet<string> | null = null,
  ): void {
    if (this.known && this.known.epoch > epoch) return;
    const reasons = new Map<string, readonly BlockedReason[]>();
    for (const entry of decision.blocked) reasons.set(entry.key, entry.reasons);
    for (const entry of decision.held) reasons.set(entry.key, entry.reasons);
    this.known = { epoch, atMs, decision, reasons, covered };
  }

  /**
   * Why an experiment cannot start (queued) or ramp (running); empty when nothing holds it.
   * With a worker this is the latest decision, which `refresh()` brings up to date.
   */
  blockedReasons(key: string): readonly BlockedReason[] {
    if (
      !this.worker ||
      !this.known ||
      (this.known.covered !== null && !this.known.covered.has(key))
    )
      this.ensureInProcess();
    return this.known!.reasons.get(key) ?? [];
  }

  current(): SchedulerDecision {
    if (!this.worker || !this.known || this.known.covered !== null) this.ensureInProcess();
    return this.known!.decision;
  }

  /**
   * Makes the known reasons of `keys` (every experiment's when omitted) reflect every change
   * committed so far, and be under a second old.
   */
  async refresh(keys?: readonly string[]): Promise<void> {
    if (!this.worker) {
      this.ensureInProcess();
      return;
    }
    // Only what was committed before this call must be reflected: later changes cannot keep a
    // reader waiting.
    const target = this.epochs.current();
    while (!this.isFresh(target, keys)) {
      if (keys) {
        await this.fetchFromWorker(this.worker, keys);
        continue;
      }
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
        experiment.guardrailVerdict === 'fail'
          ? 'fail'
          : experiment.guardrailVerdict === null
            ? null
            : 'pass';
      return {
        ...experiment,
        stageStartedAtMs: Number.NEGATIVE_INFINITY,
        guardrailVerdict: verdict,
      };
    });
    const decision = decide({ ...snapshot, experiments }, nowMs);
    if (
      decision.ramps.some((ramp) => ramp.key === key) ||
      decision.completions.some((done) => done.key === key)
    )
      return [];
    return decision.held.find((entry) => entry.key === key)?.reasons ?? [];
  }

  private isFresh(epoch = this.epochs.current(), keys?: readonly string[]): boolean {
    const nowMs = this.clock.now();
    const known = this.known;
    if (
      known === null ||
      known.epoch < epoch ||
      nowMs - known.atMs >= MAX_AGE_MS ||
      nowMs < known.atMs
    )
      return false;
    if (known.covered === null) return true;
    return keys !== undefined && keys.every((key) => known.covered!.has(key));
  }

  private async fetchFromWorker(worker: DecisionWorker, keys?: readonly string[]): Promise<void> {
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    const decision = await worker.decide(nowMs, keys ? { keys: [...keys] } : 'all');
    this.offer(decision, epoch, nowMs, keys ? new Set(keys) : null);
  }

  private ensureInProcess(): void {
    if (this.isFresh()) return;
    const epoch = this.epochs.current();
    const nowMs = this.clock.now();
    this.offer(decide(this.store.loadSnapshot(nowMs), nowMs), epoch, nowMs);
  }
}
