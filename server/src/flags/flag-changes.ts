// What a committed lifecycle change does to its flag (DESIGN §5), read from the audit row that
// recorded it, so a live event and one replayed from the audit log are the same event.
//
//   start, advance        running: the bucket decides, at the new stage's percent
//   pause, resume         the state only: paused keeps the current exposure
//   complete              treatment for every unit
//   rollback              control for every unit (each experiment of a cascade has its own row)
//   abort                 control for every unit, when it was serving (running or paused)
//
// enqueue, submit and approve change no answer: the flag serves control before and after.

import type { FlagChangeEvent } from '../../../shared/src/api-types';
import {
  EXPERIMENT_STATES,
  isActive,
  type ExperimentState,
  type TransitionAction,
} from '../../../shared/src/lifecycle';
import type { AuditContent } from '../audit/audit-chain';

/** The audit actions (`experiment.<action>`) that can change what a flag evaluates to. */
export const FLAG_CHANGING_ACTIONS: readonly TransitionAction[] = [
  'start',
  'advance',
  'pause',
  'resume',
  'complete',
  'rollback',
  'abort',
];

export const FLAG_CHANGING_AUDIT_ACTIONS: readonly string[] = FLAG_CHANGING_ACTIONS.map(
  (action) => `experiment.${action}`,
);

const AUDIT_ACTIONS: ReadonlySet<string> = new Set(FLAG_CHANGING_AUDIT_ACTIONS);

/** The audit fields the derivation reads. */
export type FlagChangeSource = Pick<
  AuditContent,
  'seq' | 'at' | 'action' | 'experimentKey' | 'fromState' | 'toState' | 'detailsJson'
>;

function isState(value: string | null): value is ExperimentState {
  return value !== null && (EXPERIMENT_STATES as readonly string[]).includes(value);
}

function exposureOf(detailsJson: string): number {
  let details: unknown;
  try {
    details = JSON.parse(detailsJson);
  } catch {
    return 0;
  }
  const percent = (details as { exposurePercent?: unknown } | null)?.exposurePercent;
  return typeof percent === 'number' && Number.isFinite(percent) ? percent : 0;
}

/** Whether this audit row may be a flag change (cheap; flagChangeOf decides). */
export function mayChangeFlag(row: Pick<FlagChangeSource, 'action'>): boolean {
  return AUDIT_ACTIONS.has(row.action);
}

/**
 * The flag change an audit row records, or null when the row changes no flag's answer.
 * `version` is the experiment's version after the change (the store counts it from the log).
 */
export function flagChangeOf(row: FlagChangeSource, version: number): FlagChangeEvent | null {
  if (!mayChangeFlag(row) || row.experimentKey === null || !isState(row.toState)) return null;
  const action = row.action.slice('experiment.'.length) as TransitionAction;
  const base = { key: row.experimentKey, state: row.toState, version, seq: row.seq, at: row.at };
  switch (action) {
    case 'start':
    case 'advance':
    case 'pause':
    case 'resume':
      return { ...base, percent: exposureOf(row.detailsJson), variantForAll: null };
    case 'complete':
      return { ...base, percent: 100, variantForAll: 'treatment' };
    case 'abort':
      // Aborting a draft or a queued experiment: it served control and still does.
      if (!isState(row.fromState) || !isActive(row.fromState)) return null;
      return { ...base, percent: 0, variantForAll: 'control' };
    case 'rollback':
      return { ...base, percent: 0, variantForAll: 'control' };
    default:
      return null;
  }
}
