import type { Runway } from '../runway';
import { forgetCrew } from './demo-crew';
import { seedFleet } from './demo-seed';
import { simulateStep } from './demo-simulation';

export { simulateStep } from './demo-simulation';

const DEFAULT_INTERVAL_MS = 5_000;

/**
 * Seeds the demo fleet a newcomer sees on `npm start`: about 40 experiments over 6 services,
 * 5 layers and 4 teams, with every kind of blocked reason on show. Idempotent: does nothing when
 * the database already holds any experiment.
 */
export function seedDemoFleet(runway: Runway): { created: number; skipped: boolean } {
  try {
    return seedFleet(runway);
  } catch (error) {
    // The seed's transaction rolled back, users included: do not keep their ids.
    forgetCrew(runway);
    throw error;
  }
}

/**
 * Keeps the demo alive: every `intervalMs` (default 5 s) the simulated team and telemetry act
 * through the services. Ticks are left to the server's scheduler loop. A failing step is logged
 * and the next one runs; it never takes the server down.
 */
export function startDemoSimulation(
  runway: Runway,
  options: { intervalMs?: number; random?: () => number } = {},
): { stop(): void } {
  const random = options.random ?? Math.random;
  let lastError: string | null = null;
  const timer = setInterval(() => {
    try {
      simulateStep(runway, random);
      lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Once per distinct failure, not every five seconds.
      if (message !== lastError) console.error('runway demo: simulation step failed:', error);
      lastError = message;
    }
  }, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
