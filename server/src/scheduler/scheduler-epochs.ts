import type { AuditRow } from '../audit/audit-chain';

/**
 * Audit actions after which a decision taken on an older snapshot is still safe to apply: they
 * only add queued experiments (or approvals that can only allow more), so every start, ramp and
 * completion decided without them still passes its gates. A newly queued experiment is simply
 * considered by the next tick.
 */
const SCHEDULING_NEUTRAL_ACTIONS: ReadonlySet<string> = new Set([
  'experiment.enqueue',
  'experiment.submit',
  'experiment.approve',
  'user.create',
  'user.link',
  'token.create',
]);

/**
 * Counts committed changes, so a decision computed off-thread on a snapshot can be checked
 * before it is applied: it may be applied only if nothing but scheduling-neutral changes were
 * committed since the epoch at which it was requested.
 */
export class SchedulerEpochs {
  private epoch = 0;
  private lastUnsafeEpoch = 0;

  current(): number {
    return this.epoch;
  }

  record(neutral: boolean): void {
    this.epoch++;
    if (!neutral) this.lastUnsafeEpoch = this.epoch;
  }

  recordRows(rows: readonly AuditRow[]): void {
    for (const row of rows) this.record(SCHEDULING_NEUTRAL_ACTIONS.has(row.action));
  }

  /** True when every change after `epoch` was scheduling-neutral. */
  safeSince(epoch: number): boolean {
    return this.lastUnsafeEpoch <= epoch;
  }
}
