import type { Runway } from '../runway';
import { forgetCrew } from './demo-crew';
import { DEMO_FLEET, seedFleet } from './demo-seed';
import { SHIPPED_CHAIN, type ChainLink } from './demo-shipped-chain';
import { simulateStep } from './demo-simulation';
import { DemoTraffic, httpTrafficSender } from './demo-traffic';

export { simulateStep } from './demo-simulation';
export { DemoTraffic, httpTrafficSender } from './demo-traffic';

const DEFAULT_INTERVAL_MS = 5_000;

/**
 * For the start-up banner: what a newcomer can watch happen on its own in the first minutes, and
 * the cascade they can set off by hand.
 */
export const DEMO_STORY: readonly string[] = (() => {
  const breaking = DEMO_FLEET.find(
    (experiment) => experiment.scenario === 'degrades_after_completion',
  );
  const silent = DEMO_FLEET.find((experiment) => experiment.scenario === 'goes_silent');
  if (!breaking || !silent) return [];
  const dependents = DEMO_FLEET.filter((experiment) =>
    experiment.requires?.includes(breaking.key),
  ).map((experiment) => experiment.key);
  return [
    `Within five minutes ${silent.key} stops sending treatment telemetry and is paused for it,`,
    `and ${breaking.key} completes, fails at full exposure, and runway:guardrails rolls it back`,
    `with ${dependents.join(', ')}, which had just started on it. Every five minutes after that`,
    'another experiment goes silent, degrades, or breaks after completing.',
    'See them with: npx runway audit --actor runway:guardrails',
    ...shippedChainStory(),
  ];
})();

function shippedChainStory(): string[] {
  const [root, ...rest] = SHIPPED_CHAIN;
  const running = SHIPPED_CHAIN.find((link) => link.seededAs === 'running');
  if (!root || !running) return [];
  const shipped = SHIPPED_CHAIN.filter((link) => link.seededAs === 'completed');
  const keys = (links: readonly ChainLink[]): string => links.map((link) => link.key).join(' and ');
  return [
    `Shipped at start-up, ramped through by hand: ${keys(shipped)};`,
    `${running.key}, built on them, is ramping now. Roll back ${root.key} in`,
    `the graph to see the cascade: the dialog lists ${keys(rest)}`,
    `first, and the rollback takes them with it. Or: npx runway rollback ${root.key} --reason "…"`,
  ];
}

/**
 * Seeds the demo fleet a newcomer sees on `npm start`: about 40 experiments over 6 services,
 * 5 layers and 4 teams, with every kind of blocked reason on show, and a shipped requires chain
 * to roll back with its cascade. Idempotent: does nothing when the database already holds any
 * experiment.
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
 * Keeps the demo alive: every `intervalMs` (default 5 s) the simulated team acts through the
 * services and, given `traffic`, the simulated apps send their telemetry to that server's
 * /v1/metrics (see DemoTraffic). Ticks and guardrail verdicts are left to the server's own loops.
 * A failing step is logged and the next one runs; it never takes the server down.
 */
export function startDemoSimulation(
  runway: Runway,
  options: {
    intervalMs?: number;
    random?: () => number;
    /** The server to send the demo's telemetry to (its own URL and admin token). */
    traffic?: { url: string; token: string };
  } = {},
): { stop(): void } {
  const random = options.random ?? Math.random;
  let stopped = false;
  let lastError: string | null = null;
  const traffic = options.traffic
    ? new DemoTraffic(runway, httpTrafficSender(options.traffic), {
        // A send cut short by shutting down is not worth a line.
        log: (line) => {
          if (!stopped) console.error(line);
        },
      })
    : null;
  const act = async (): Promise<void> => {
    try {
      // With a decision worker, the blocked reasons the crew reads synchronously are the latest
      // decision anyone asked for; ask, or the crew acts on reasons minutes old.
      await runway.gates.refresh();
      if (stopped) return;
      simulateStep(runway, random);
      lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Once per distinct failure, not every five seconds.
      if (message !== lastError && !stopped)
        console.error('runway demo: simulation step failed:', error);
      lastError = message;
    }
  };
  // One step of each at a time: the next telemetry step covers the time a slow send took.
  let acting = false;
  let sending = false;
  const timer = setInterval(() => {
    if (!acting) {
      acting = true;
      void act().finally(() => {
        acting = false;
      });
    }
    if (traffic && !sending) {
      sending = true;
      traffic
        .step()
        .catch((error: unknown) => {
          if (!stopped) console.error('runway demo: simulated telemetry failed:', error);
        })
        .finally(() => {
          sending = false;
        });
    }
  }, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
