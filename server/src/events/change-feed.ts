import type { AuditRow } from '../audit/audit-chain';

export type ChangeListener = (rows: readonly AuditRow[]) => void;

/**
 * Committed changes, as the audit rows that recorded them. Services publish after commit; the
 * SSE subscription, the scheduler loop and the metrics listen. The audit seq doubles as the
 * event id, so a client that reconnects replays what it missed from the audit log.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private readonly signalListeners = new Set<() => void>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to committed changes that are not audited (guardrail verdicts, which are frequent). */
  subscribeSignals(listener: () => void): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  signal(): void {
    for (const listener of this.signalListeners) listener();
  }

  publish(rows: readonly AuditRow[]): void {
    if (rows.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (error) {
        // A failing listener must not undo or block a committed change.
        console.error('runway: change listener failed', error);
      }
    }
  }
}
