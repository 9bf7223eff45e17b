import type { ExperimentState } from './lifecycle';
import { formatDuration } from './duration';

/**
 * Why a queued experiment cannot start, or a running one cannot ramp (DESIGN §3-4).
 * Each reason names its cause; `message` is the sentence people read.
 */
export type BlockedReason =
  | { kind: 'awaiting_approval'; stageIndex: number | null; message: string }
  | {
      kind: 'requires';
      key: string;
      state: ExperimentState | 'missing';
      stageIndex: number | null;
      stageCount: number;
      message: string;
    }
  | { kind: 'after'; key: string; state: ExperimentState | 'missing'; message: string }
  | { kind: 'excludes'; key: string; state: ExperimentState; message: string }
  | {
      kind: 'layer_capacity';
      layer: string;
      freePercent: number;
      neededPercent: number;
      reservedFor: string | null;
      message: string;
    }
  | {
      kind: 'concurrency';
      scope: 'global' | 'service' | 'team';
      name: string | null;
      limit: number;
      active: number;
      reservedFor: string | null;
      message: string;
    }
  | { kind: 'freeze'; service: string | null; untilMs: number; reason: string; message: string }
  | {
      kind: 'error_budget';
      service: string;
      remainingFraction: number;
      minimumFraction: number;
      message: string;
    }
  | {
      kind: 'burn_rate';
      service: string;
      burnRate: number;
      maximumBurnRate: number;
      message: string;
    }
  | { kind: 'not_before'; atMs: number; message: string }
  | { kind: 'not_after'; atMs: number; message: string }
  | { kind: 'hold_time'; remainingMs: number; message: string }
  | { kind: 'guardrails'; verdict: GuardrailVerdict; message: string }
  | { kind: 'prerequisite_paused'; key: string; message: string }
  | { kind: 'parent_state'; state: ExperimentState; message: string };

export type BlockedReasonKind = BlockedReason['kind'];

export type GuardrailVerdict = 'pass' | 'fail' | 'inconclusive' | 'no_data';

/** Capacity reasons are the ones a higher-priority experiment may reserve (DESIGN §4). */
export const CAPACITY_REASON_KINDS: ReadonlySet<BlockedReasonKind> = new Set([
  'layer_capacity',
  'concurrency',
]);

/** Formats an instant for reasons: "18:00 UTC" when it is today (relative to now), else with the date. */
export function formatInstant(atMs: number, nowMs: number): string {
  const at = new Date(atMs).toISOString();
  const sameDay = at.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
  return sameDay ? `${at.slice(11, 16)} UTC` : `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

export function holdTimeMessage(remainingMs: number): string {
  return `hold time: ${formatDuration(remainingMs)} left in this stage`;
}
