// Which demo experiments misbehave, and when. Pure: the traffic shell passes in what it read.
//
// The seeded fleet names one experiment that breaks right after it completes, while the
// experiment that requires it has just started, and one whose treatment telemetry stops; both
// play out in the first minutes, so a newcomer sees the guardrail engine roll back with the
// cascade and pause for lost telemetry. After that, every TURN_EVERY_MS another experiment takes
// a turn: the next to start goes silent, the next to start degrades while it ramps, and the next
// to complete that others require breaks in its bake, in that rotation. Everything is derived
// from start and completion times in the audit log, which never change, so the choice is the
// same on every step and after a restart; the rest of the fleet stays healthy.

export type Scenario = 'degrades' | 'goes_silent' | 'degrades_after_completion';

/** What a scenario's onset counts from: the experiment's start, or its completion. */
export const SCENARIO_ANCHOR: Readonly<Record<Scenario, 'start' | 'complete'>> = {
  degrades: 'start',
  goes_silent: 'start',
  degrades_after_completion: 'complete',
};

/**
 * How long after its anchor an experiment stays healthy. Silence comes inside the first stage
 * (every demo hold is at least 40 s): a stage that starts without telemetry can never pass, so
 * the engine pauses the experiment a window later instead of letting it finish. A break after
 * completion comes early in the bake (the engine watches a completed experiment for one
 * guardrail window), once the dependents waiting on it have started.
 */
export const ONSET_MS: Readonly<Record<Scenario, number>> = {
  degrades: 45_000,
  goes_silent: 30_000,
  degrades_after_completion: 10_000,
};
/** The first turn comes after the seeded scenarios have played out. */
export const FIRST_TURN_AFTER_SEED_MS = 8 * 60_000;
export const TURN_EVERY_MS = 5 * 60_000;
/**
 * Silence first: it costs the service no error budget, and the first experiment to start after
 * the first turn may be the first of a service (identity, held by its budget until then) whose
 * measured budget has only a few minutes of traffic behind it to absorb a burst of errors.
 */
const TURN_ROTATION: readonly Scenario[] = ['goes_silent', 'degrades', 'degrades_after_completion'];
/** Turns older than this are over, whatever became of their experiment. */
export const TURNS_REMEMBERED = 3;
/**
 * A degrading treatment's error rate climbs to its peak over this long: steep, so the engine
 * acts after a few thousand failed requests and the service's error budget takes a dent, not a
 * crater, even at full exposure.
 */
export const DEGRADE_RAMP_MS = 10_000;
export const DEGRADED_ERROR_RATE = 0.08;

/** A start or a completion of a fleet experiment with guardrails. */
export interface ExperimentEvent {
  readonly key: string;
  readonly atMs: number;
  readonly stageCount: number;
  /** Whether other experiments require it. */
  readonly required: boolean;
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
  readonly starts: readonly ExperimentEvent[];
  readonly completions: readonly ExperimentEvent[];
  readonly designated: ReadonlyMap<string, Scenario>;
}

/** The scenarios in play at `nowMs` (including ones whose onset is still ahead). */
export function planScenarios(input: ScenarioInput): ScenarioPlan[] {
  const { seedAtMs, nowMs, designated } = input;
  const events = (scenario: Scenario): readonly ExperimentEvent[] =>
    SCENARIO_ANCHOR[scenario] === 'start' ? input.starts : input.completions;
  const plan = (event: ExperimentEvent, scenario: Scenario, turn: number): ScenarioPlan => ({
    key: event.key,
    scenario,
    onsetMs: event.atMs + ONSET_MS[scenario],
    turn,
  });
  const plans: ScenarioPlan[] = [];
  for (const [key, scenario] of designated) {
    const event = events(scenario).find((candidate) => candidate.key === key);
    if (event) plans.push(plan(event, scenario, 0));
  }
  if (seedAtMs === null) return plans;
  const firstTurnAtMs = seedAtMs + FIRST_TURN_AFTER_SEED_MS;
  if (nowMs < firstTurnAtMs) return plans;
  const latestTurn = Math.floor((nowMs - firstTurnAtMs) / TURN_EVERY_MS);
  for (let turn = Math.max(0, latestTurn - TURNS_REMEMBERED + 1); turn <= latestTurn; turn++) {
    const turnAtMs = firstTurnAtMs + turn * TURN_EVERY_MS;
    const scenario = TURN_ROTATION[turn % TURN_ROTATION.length]!;
    // Within the turn's own five minutes, so no experiment takes two turns.
    const chosen = earliest(
      events(scenario).filter(
        (event) =>
          !designated.has(event.key) &&
          event.atMs >= turnAtMs &&
          event.atMs < turnAtMs + TURN_EVERY_MS &&
          qualifies(event, scenario),
      ),
    );
    if (chosen) plans.push(plan(chosen, scenario, turn + 1));
  }
  return plans;
}

/** Silence needs a stage after the first, one that starts without telemetry; a break in the bake, dependents to take down. */
function qualifies(event: ExperimentEvent, scenario: Scenario): boolean {
  if (scenario === 'goes_silent') return event.stageCount > 1;
  if (scenario === 'degrades_after_completion') return event.required;
  return true;
}

/** The event furthest back any turn still in memory can pick. */
export function oldestRelevantEventMs(nowMs: number): number {
  return nowMs - (TURNS_REMEMBERED + 1) * TURN_EVERY_MS;
}

function earliest(events: readonly ExperimentEvent[]): ExperimentEvent | null {
  let first: ExperimentEvent | null = null;
  for (const event of events) {
    if (!first || event.atMs < first.atMs || (event.atMs === first.atMs && event.key < first.key))
      first = event;
  }
  return first;
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
