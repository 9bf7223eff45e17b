import type { ExperimentView } from '../../../shared/src/api-types';
import { RunwayError, type ErrorCode } from '../../../shared/src/errors';
import type { ExperimentRow } from '../experiments/experiment-store';
import type { Runway } from '../runway';
import type { Crew } from './demo-crew';

/** What one simulation step works with. Everything it knows is read from the database. */
export interface SimContext {
  runway: Runway;
  crew: Crew;
  random: () => number;
  nowMs: number;
  /** Open experiments (pending approval, queued, running, paused) at the start of the step. */
  open: ExperimentView[];
  /** What the step did, one line each, for tests and logs. */
  actions: string[];
  /** Experiments acted on in this step: nobody acts on one twice in five seconds. */
  touched: Set<string>;
}

/**
 * Races with the scheduler loop (or a person in the console) surface as these codes: the
 * experiment moved on since the step read it. The step skips that action; the next step sees the
 * new state.
 */
const RACE_CODES: ReadonlySet<ErrorCode> = new Set([
  'VERSION_CONFLICT',
  'INVALID_TRANSITION',
  'KEY_EXISTS',
]);

export function attempt(
  ctx: SimContext,
  key: string | null,
  description: string,
  action: () => unknown,
): boolean {
  if (key !== null) ctx.touched.add(key);
  try {
    action();
    ctx.actions.push(description);
    return true;
  } catch (error) {
    if (error instanceof RunwayError && RACE_CODES.has(error.code)) return false;
    throw error;
  }
}

export function chance(ctx: SimContext, probability: number): boolean {
  return ctx.random() < probability;
}

export function pick<T>(ctx: SimContext, items: readonly T[]): T {
  return items[Math.min(items.length - 1, Math.floor(ctx.random() * items.length))]!;
}

/** The current row, re-read right before acting so the expected version is fresh. */
export function current(ctx: SimContext, key: string): ExperimentRow | null {
  return ctx.runway.experimentStore.get(key);
}

/** The fleet is what the demo crew enqueued; the simulation never acts for anyone else. */
export function isFleet(ctx: SimContext, view: { author: string }): boolean {
  return ctx.crew.isCrew(view.author);
}

export function elapsedSince(ctx: SimContext, atMs: number | null): number {
  return atMs === null ? 0 : ctx.nowMs - atMs;
}
