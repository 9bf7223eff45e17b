import { ManualClock } from '../../server/src/clock';
import { makeSpec, type RunwayClient } from './harness';

/** The instant every reliability scenario starts at. */
export const SCENARIO_START_MS = Date.parse('2026-11-22T09:00:00Z');

export function scenarioClock(): ManualClock {
  return new ManualClock(SCENARIO_START_MS);
}

/** One-stage specs complete after a single hold, so dependency chains go live quickly. */
export function oneStageSpec(
  key: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return makeSpec(key, { stages: [{ percent: 10, hold: '1m' }], ...overrides });
}

export const ONE_STAGE_HOLD_MS = 60_000;

/** Runs one scheduler tick as a release manager. */
export async function tick(
  releaseManager: RunwayClient,
): Promise<Array<{ key: string; toState: string }>> {
  return (await releaseManager.scheduler.tick.mutate()).changed;
}

/**
 * Ticks, advancing the clock past a hold between ticks, until `done` holds (at most `maxTicks`):
 * time is driven, never waited for.
 */
export async function tickUntil(
  releaseManager: RunwayClient,
  clock: ManualClock,
  done: () => Promise<boolean>,
  options: { stepMs?: number; maxTicks?: number } = {},
): Promise<void> {
  const maxTicks = options.maxTicks ?? 50;
  for (let count = 0; count < maxTicks; count++) {
    if (await done()) return;
    await tick(releaseManager);
    clock.advance(options.stepMs ?? ONE_STAGE_HOLD_MS);
  }
  if (!(await done())) throw new Error(`condition not reached after ${maxTicks} ticks`);
}

/** Enqueues `key` (as the given operator) and starts it with one tick; returns its version. */
export async function enqueueAndStart(
  operator: RunwayClient,
  releaseManager: RunwayClient,
  key: string,
  overrides: Record<string, unknown> = {},
): Promise<number> {
  await operator.experiments.enqueue.mutate({ specs: [makeSpec(key, overrides)] });
  const changed = await tick(releaseManager);
  if (!changed.some((entry) => entry.key === key && entry.toState === 'running')) {
    throw new Error(
      `${key} did not start: ${JSON.stringify(await operator.experiments.get.query({ key }))}`,
    );
  }
  return (await operator.experiments.get.query({ key })).version;
}
