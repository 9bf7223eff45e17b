// Which demo experiments misbehave, and when. Pure: the traffic shell passes in what it read.
//
// The seeded fleet names one experiment whose treatment degrades and one whose treatment
// telemetry stops, both among the first to start, so a newcomer sees the guardrail engine act
// within minutes. After that, every TURN_EVERY_MS the next experiment to start takes a turn,
// alternately degrading and going silent, the same way and as long after its start as the
// seeded ones. Everything is derived from start times in the audit log, which never change,
// so the choice is the same on every step and after a restart; the rest of the fleet stays
// healthy.

export type Scenario = 'degrades' | 'goes_silent';

/**
 * How long an experiment runs healthy before its scenario sets in. Silence comes inside the
 * first stage (every demo hold is at least 40 s): a stage that starts without telemetry can
 * never pass, so the engine pauses the experiment a window later instead of letting it finish.
 */
export const ONSET_AFTER_START_MS: Readonly<Record<Scenario, number>> = {
  degrades: 45_000,
  goes_silent: 30_000,
};
/** The first turn comes after the seeded scenarios have played out. */
export const FIRST_TURN_AFTER_SEED_MS = 8 * 60_000;
export const TURN_EVERY_MS = 5 * 60_000;
/** Turns older than this are over, whatever became of their experiment. */
export const TURNS_REMEMBERED = 3;
/** A degrading treatment's error rate climbs to its peak over this long. */
export const DEGRADE_RAMP_MS = 15_000;
export const DEGRADED_ERROR_RATE = 0.08;

export interface ExperimentStart {
  readonly key: string;
  readonly atMs: number;
  readonly stageCount: number;
}

export interface ScenarioPlan {
  readonly key: string;
  readonly scenario: Scenario;
  readonly onsetMs: number;
  /** 0 for a designated experiment, else the turn's number counting from 1. */
  readonly turn: number;
}

export interface ScenarioInput {
  /** When the demo was seeded; null when unknown (no turns then). */
  readonly seedAtMs: number | null;
  readonly nowMs: number;
  /** First starts of fleet experiments with guardrails, any order. */
  readonly starts: readonly ExperimentStart[];
  readonly designated: ReadonlyMap<string, Scenario>;
}

/** The scenarios in play at `nowMs` (including ones whose onset is still ahead). */
export function planScenarios(input: ScenarioInput): ScenarioPlan[] {
  const { seedAtMs, nowMs, starts, designated } = input;
  const plan = (start: ExperimentStart, scenario: Scenario, turn: number): ScenarioPlan => ({
    key: start.key,
    scenario,
    onsetMs: start.atMs + ONSET_AFTER_START_MS[scenario],
    turn,
  });
  const plans: ScenarioPlan[] = [];
  for (const start of starts) {
    const scenario = designated.get(start.key);
    if (scenario) plans.push(plan(start, scenario, 0));
  }
  if (seedAtMs === null) return plans;
  const firstTurnAtMs = seedAtMs + FIRST_TURN_AFTER_SEED_MS;
  if (nowMs < firstTurnAtMs) return plans;
  const latestTurn = Math.floor((nowMs - firstTurnAtMs) / TURN_EVERY_MS);
  for (let turn = Math.max(0, latestTurn - TURNS_REMEMBERED + 1); turn <= latestTurn; turn++) {
    const turnAtMs = firstTurnAtMs + turn * TURN_EVERY_MS;
    const scenario: Scenario = turn % 2 === 0 ? 'degrades' : 'goes_silent';
    // Within the turn's own five minutes, so no experiment takes two turns. Silence needs a
    // stage after the first, one that starts without telemetry.
    const chosen = earliestStart(
      starts.filter(
        (start) =>
          !designated.has(start.key) &&
          start.atMs >= turnAtMs &&
          start.atMs < turnAtMs + TURN_EVERY_MS &&
          (scenario === 'degrades' || start.stageCount > 1),
      ),
    );
    if (chosen) plans.push(plan(chosen, scenario, turn + 1));
  }
  return plans;
}

/** The start furthest back any turn still in memory can pick from. */
export function oldestRelevantStartMs(nowMs: number): number {
  return nowMs - (TURNS_REMEMBERED + 1) * TURN_EVERY_MS;
}

function earliestStart(starts: readonly ExperimentStart[]): ExperimentStart | null {
  let earliest: ExperimentStart | null = null;
  for (const start of starts) {
    if (
      !earliest ||
      start.atMs < earliest.atMs ||
      (start.atMs === earliest.atMs && start.key < earliest.key)
    )
      earliest = start;
  }
  return earliest;
}

/** What the treatment arm of an experiment in a scenario does at `nowMs`. */
export type TreatmentCondition =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'failing'; readonly errorRate: number }
  | { readonly kind: 'silent' };

/**
 * A degrading treatment's errors climb from its healthy rate to DEGRADED_ERROR_RATE; a silent
 * one sends nothing until the guardrail engine has paused it (then its owner restarts the
 * exporter, and data flows again).
 */
export function treatmentCondition(
  plan: ScenarioPlan,
  nowMs: number,
  healthyErrorRate: number,
  pausedByGuardrailsSinceOnset: boolean,
): TreatmentCondition {
  if (nowMs < plan.onsetMs) return { kind: 'healthy' };
  if (plan.scenario === 'goes_silent')
    return pausedByGuardrailsSinceOnset ? { kind: 'healthy' } : { kind: 'silent' };
  const progress = Math.min(1, (nowMs - plan.onsetMs) / DEGRADE_RAMP_MS);
  return {
    kind: 'failing',
    errorRate: healthyErrorRate + (DEGRADED_ERROR_RATE - healthyErrorRate) * progress,
  };
}
