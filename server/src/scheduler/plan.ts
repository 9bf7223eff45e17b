import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import { decide } from './decide';
import type { SchedulerExperiment, SchedulerSnapshot } from './scheduler-snapshot';

export interface PlanEntry {
  key: string;
  state: ExperimentState;
  /** When it would start (already-running experiments keep their actual start out of this: null). */
  expectedStartMs: number | null;
  expectedCompleteMs: number | null;
  /** What the forecast took for granted for this experiment. */
  assumptions: string[];
  /** When it would not start within the horizon: why, as of the end of the forecast. */
  blockedReasons: BlockedReason[];
}

export interface Plan {
  generatedAtMs: number;
  horizonMs: number;
  /** True when the forecast stopped at the step limit before the horizon. */
  truncated: boolean;
  entries: PlanEntry[];
}

export interface PlanOptions {
  horizonMs?: number;
  maxSteps?: number;
}

const DEFAULT_HORIZON_MS = 30 * 86_400_000;

/**
 * What-if forecast: replays the scheduler forward in time assuming everything runs to plan —
 * guardrails pass, every stage holds exactly its hold time, and pending approvals are granted
 * now. Freeze windows, budgets, caps and schedule windows apply as configured. Pure.
 */
export function plan(snapshot: SchedulerSnapshot, nowMs: number, options: PlanOptions = {}): Plan {
  const horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
  const maxSteps = options.maxSteps ?? 2_000;
  const assumptions = new Map<string, string[]>();
  const note = (key: string, text: string): void => {
    const list = assumptions.get(key) ?? [];
    if (!list.includes(text)) list.push(text);
    assumptions.set(key, list);
  };

  let experiments: SchedulerExperiment[] = snapshot.experiments.map((experiment) => {
    let next = experiment;
    if (experiment.state === 'pending_approval') {
      note(experiment.key, 'approval granted now');
      next = { ...next, state: 'queued' };
    }
    const needsStageApproval = experiment.stages.some(
      (stage, index) => stage.approve && !experiment.approvedStages.includes(index),
    );
    if (needsStageApproval && (next.state === 'queued' || next.state === 'running')) {
      note(experiment.key, 'stage approvals granted when due');
      next = { ...next, approvedStages: experiment.stages.map((_, index) => index) };
    }
    if (
      next.state === 'running' &&
      next.guardrailVerdict !== null &&
      next.guardrailVerdict !== 'pass'
    ) {
      note(experiment.key, 'guardrails pass');
      next = { ...next, guardrailVerdict: 'pass' };
    }
    return next;
  });

  const started = new Map<string, number>();
  const completed = new Map<string, number>();
  const endMs = nowMs + horizonMs;
  let t = nowMs;
  let steps = 0;
  let truncated = false;
  let lastBlocked = new Map<string, readonly BlockedReason[]>();

  while (t <= endMs) {
    if (++steps > maxSteps) {
      truncated = true;
      break;
    }
    const decision = decide({ ...snapshot, experiments }, t);
    lastBlocked = new Map(
      [...decision.blocked, ...decision.held].map((entry) => [entry.key, entry.reasons]),
    );
    const changes = new Map<string, SchedulerExperiment>();
    const byKey = new Map(experiments.map((experiment) => [experiment.key, experiment]));
    for (const start of decision.starts) {
      const experiment = byKey.get(start.key)!;
      started.set(start.key, t);
      changes.set(start.key, {
        ...experiment,
        state: 'running',
        stageIndex: 0,
        exposurePercent: start.percent,
        stageStartedAtMs: t,
        guardrailVerdict: experiment.guardrailVerdict === null ? null : 'pass',
      });
    }
    for (const ramp of decision.ramps) {
      const experiment = byKey.get(ramp.key)!;
      changes.set(ramp.key, {
        ...experiment,
        stageIndex: ramp.toStageIndex,
        exposurePercent: ramp.percent,
        stageStartedAtMs: t,
      });
    }
    for (const done of decision.completions) {
      const experiment = byKey.get(done.key)!;
      completed.set(done.key, t);
      changes.set(done.key, { ...experiment, state: 'completed' });
    }
    if (changes.size > 0) {
      experiments = experiments.map((experiment) => changes.get(experiment.key) ?? experiment);
      continue;
    }
    const next = nextEventAfter(t, experiments, snapshot);
    if (next === null || next > endMs) break;
    t = next;
  }

  const entries: PlanEntry[] = [];
  for (const original of snapshot.experiments) {
    if (!['pending_approval', 'queued', 'running', 'paused'].includes(original.state)) continue;
    const startMs = started.get(original.key) ?? null;
    entries.push({
      key: original.key,
      state: original.state,
      expectedStartMs: startMs,
      expectedCompleteMs: completed.get(original.key) ?? null,
      assumptions: assumptions.get(original.key) ?? [],
      blockedReasons:
        startMs === null && !completed.has(original.key)
          ? [...(lastBlocked.get(original.key) ?? [])]
          : [],
    });
  }
  entries.sort(
    (a, b) =>
      (a.expectedStartMs ?? Infinity) - (b.expectedStartMs ?? Infinity) ||
      a.key.localeCompare(b.key),
  );
  return { generatedAtMs: nowMs, horizonMs, truncated, entries };
}

/** The next instant after `t` at which some gate can change: a hold ends, a freeze ends, a window opens. */
function nextEventAfter(
  t: number,
  experiments: readonly SchedulerExperiment[],
  snapshot: SchedulerSnapshot,
): number | null {
  let next = Infinity;
  const consider = (at: number | null): void => {
    if (at !== null && at > t && at < next) next = at;
  };
  for (const experiment of experiments) {
    if (experiment.state === 'running' && experiment.stageStartedAtMs !== null) {
      consider(
        experiment.stageStartedAtMs + (experiment.stages[experiment.stageIndex]?.holdMs ?? 0),
      );
    }
    if (experiment.state === 'queued') consider(experiment.notBeforeMs);
  }
  for (const freeze of snapshot.policy.freezes) {
    consider(freeze.endsAtMs);
  }
  return next === Infinity ? null : next;
}
