import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../../shared/src/seeded-random';
import { BUDGET_REFRESH_INTERVAL_MS } from '../budgets/budget-service';
import { ManualClock } from '../clock';
import { loadServerConfig } from '../config/config';
import { startServer, type RunningServer } from '../serve';
import { seedDemoFleet } from './demo';
import { simulateStep } from './demo-simulation';
import { DemoTraffic, httpTrafficSender, type TrafficStep } from './demo-traffic';

// Test support for the demo: the real server on a loopback port over a temporary database, with
// a hand-driven clock and no timers, and a driver that does per step what the server's loops do.

export const DEMO_EPOCH_MS = Date.parse('2026-11-23T09:00:00Z');
export const STEP_MS = 5_000;

export interface DemoHarness {
  server: RunningServer;
  clock: ManualClock;
  traffic: DemoTraffic;
  stop(): Promise<void>;
}

export async function startDemoHarness(
  options: {
    seed?: boolean;
    trafficSeed?: number;
    /** Decide in a worker thread, as `runway serve` does (default: on the main thread). */
    worker?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<DemoHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-demo-'));
  const clock = new ManualClock(DEMO_EPOCH_MS);
  const config = loadServerConfig({}, { port: 0, dbPath: join(dir, 'runway.db') });
  const server = await startServer(config, {
    clock,
    schedulerLoop: false,
    schedulerWorker: options.worker === true,
    guardrailLoop: false,
    log: () => {},
  });
  if (options.seed !== false) seedDemoFleet(server.runway);
  const traffic = new DemoTraffic(
    server.runway,
    httpTrafficSender({ url: server.url, token: server.adminToken }),
    { random: mulberry32(options.trafficSeed ?? 11), log: options.log ?? (() => {}) },
  );
  return {
    server,
    clock,
    traffic,
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `steps` steps of the demo, 5 s apart: the crew acts, the apps send their telemetry over HTTP,
 * then what the server's timers would do, by hand: judge the guardrails, measure the error
 * budgets every 30 s, and tick the scheduler.
 */
export async function driveDemo(
  harness: DemoHarness,
  steps: number,
  random: () => number,
  onStep?: (step: TrafficStep) => void,
): Promise<void> {
  const { runway } = harness.server;
  const budgetEverySteps = BUDGET_REFRESH_INTERVAL_MS / STEP_MS;
  for (let index = 0; index < steps; index++) {
    harness.clock.advance(STEP_MS);
    simulateStep(runway, random);
    // Not `onStep?.(await …)`: without a listener that would skip sending the telemetry.
    const step = await harness.traffic.step();
    onStep?.(step);
    runway.guardrails.evaluateRunning();
    if ((index + 1) % budgetEverySteps === 0)
      runway.budgets.refreshFromTelemetry(runway.clock.now());
    runway.scheduler.tick();
  }
}
