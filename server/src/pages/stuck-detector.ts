import type { ExperimentState } from '../../../shared/src/lifecycle';
import { formatDuration } from '../../../shared/src/duration';

/** How long an experiment may sit in a state before Runway pages its owner. */
export interface StuckLimits {
  /** Paused: someone stopped it and nobody has decided since. */
  pausedMs: number;
  /** Waiting for an approval nobody gives. */
  pendingApprovalMs: number;
  /**
   * Running at one stage past its hold by this much (an approval to ramp, inconclusive
   * guardrails or a gate that keeps it there).
   */
  rampOverdueMs: number;
}

export const DEFAULT_STUCK_LIMITS: StuckLimits = {
  pausedMs: 60 * 60_000,
  pendingApprovalMs: 24 * 60 * 60_000,
  rampOverdueMs: 60 * 60_000,
};

export interface StuckCandidate {
  key: string;
  state: ExperimentState;
  version: number;
  stateChangedAtMs: number;
  stageIndex: number;
  stageCount: number;
  stageStartedAtMs: number | null;
  /** The current stage's hold time (0 when not at a stage). */
  holdMs: number;
}

export interface StuckFinding {
  key: string;
  version: number;
  state: ExperimentState;
  /** Since when it has been in this state (or at this stage). */
  sinceMs: number;
  /** How long it may stay before it counts as stuck. */
  limitMs: number;
  summary: string;
}

/**
 * Which experiments have sat in a state past its limit. Pure: the shell pages each finding once
 * per (experiment, version), so a state that changes and comes back is paged again.
 */
export function findStuck(
  candidates: readonly StuckCandidate[],
  nowMs: number,
  limits: StuckLimits = DEFAULT_STUCK_LIMITS,
): StuckFinding[] {
  const findings: StuckFinding[] = [];
  for (const candidate of candidates) {
    const finding = judge(candidate, nowMs, limits);
    if (finding) findings.push(finding);
  }
  return findings;
}

function judge(candidate: StuckCandidate, nowMs: number, limits: StuckLimits): StuckFinding | null {
  const found = (sinceMs: number, limitMs: number, what: string): StuckFinding | null =>
    nowMs - sinceMs < limitMs
      ? null
      : {
          key: candidate.key,
          version: candidate.version,
          state: candidate.state,
          sinceMs,
          limitMs,
          summary: `${what} for ${formatDuration(nowMs - sinceMs)} (limit ${formatDuration(limitMs)})`,
        };
  switch (candidate.state) {
    case 'paused':
      return found(candidate.stateChangedAtMs, limits.pausedMs, 'paused');
    case 'pending_approval':
      return found(candidate.stateChangedAtMs, limits.pendingApprovalMs, 'waiting for approval');
    case 'running': {
      if (candidate.stageStartedAtMs === null) return null;
      const stage = `stage ${candidate.stageIndex + 1}/${candidate.stageCount}`;
      return found(
        candidate.stageStartedAtMs,
        candidate.holdMs + limits.rampOverdueMs,
        `running at ${stage} (hold ${formatDuration(candidate.holdMs)})`,
      );
    }
    default:
      return null;
  }
}
