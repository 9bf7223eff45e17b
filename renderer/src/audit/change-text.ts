import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { stateLabel } from '../../../shared/src/state-label';

/** "running → paused", "(new) → queued", or nothing when the entry changed no state. */
export function changeText(entry: Pick<AuditEntryView, 'fromState' | 'toState'>): string {
  if (!entry.toState) return '';
  const from = entry.fromState ? stateLabel(entry.fromState) : '(new)';
  return `${from} → ${stateLabel(entry.toState)}`;
}
