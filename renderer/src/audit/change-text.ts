import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { stateLabel } from '../../../shared/src/state-label';

/** Where an experiment stood after an entry: its 1-based stage and exposure, when recorded. */
export interface StagePosition {
  stage?: number | null;
  exposurePercent?: number | null;
}

/**
 * "running → paused", "(new) → queued", or nothing when the entry changed no state. A change
 * within one state (a ramp) says where it went instead: "running: stage 2 at 25%".
 */
export function changeText(
  entry: Pick<AuditEntryView, 'fromState' | 'toState'> & StagePosition,
): string {
  if (!entry.toState) return '';
  if (entry.fromState === entry.toState && typeof entry.stage === 'number' && entry.stage > 0) {
    const at = typeof entry.exposurePercent === 'number' ? ` at ${entry.exposurePercent}%` : '';
    return `${stateLabel(entry.toState)}: stage ${entry.stage}${at}`;
  }
  const from = entry.fromState ? stateLabel(entry.fromState) : '(new)';
  return `${from} → ${stateLabel(entry.toState)}`;
}

/** The stage position an audit entry's details record (experiment transitions record both). */
export function stagePosition(details: Readonly<Record<string, unknown>>): StagePosition {
  const { stage, exposurePercent } = details;
  return {
    stage: typeof stage === 'number' ? stage : null,
    exposurePercent: typeof exposurePercent === 'number' ? exposurePercent : null,
  };
}
