import Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../server/src/actor';
import { ManualClock } from '../../server/src/clock';
import { createRunway, type Runway } from '../../server/src/runway';
import { DecisionWorker } from '../../server/src/scheduler/decision-worker';
import { decide, type SchedulerDecision } from '../../server/src/scheduler/decide';
import { edgeCount, generateFleet } from './fleet';
import { progress, summarize, timeSync, type Checks, type Summary } from './stats';

export interface TickBenchOptions {
  experiments: number;
  edges: number;
  runs: number;
  warmup: number;
  batchSize: number;
}

export interface TickBenchResult {
  tick: Summary;
  /** Snapshot load with nothing written since the last one. */
  load: Summary;
  /** Snapshot load right after a write: every row read again. */
  freshLoad: Summary;
  decide: Summary;
  /** Present once measured: the tick decided in the worker thread, as the server runs it. */
  workerTick?: Summary;
  ticksThatApplied: number;
  states: Record<string, number>;
  edges: number;
}

const START_MS = Date.parse('2026-11-23T09:00:00Z');
const ADMIN: Actor = { userId: null, name: 'bench-admin', role: 'admin' };

/**
 * A realistic fleet on a fresh database: enqueued through the service, policy with caps, a
 * freeze and a spent error budget, then a simulated day of ticks (starts, ramps, completions,
 * guardrail verdicts, a few pauses). Then the clock stops and steady-state ticks are timed.
 */
export async function runTickBench(
  options: TickBenchOptions,
  checks: Checks,
): Promise<TickBenchResult> {
  const fleet = prepareTickFleet(options, checks);
  try {
    const result = measureTicks(fleet, options, checks);
    return { ...result, workerTick: await measureWorkerTicks(fleet, options, checks) };
  } finally {
    fleet.close();
  }
}

/**
 * The tick as the server runs it: decided in the worker thread over its own connection, the
 * decision applied on the main thread. This is what a request may wait behind: only the apply.
 */
async function measureWorkerTicks(
  fleet: PreparedFleet,
  options: TickBenchOptions,
  checks: Checks,
): Promise<Summary> {
  progress(`tick at ${fleet.label}: timing ${options.runs} ticks decided in the worker thread…`);
  const worker = new DecisionWorker(fleet.dbPath);
  try {
    const samples: number[] = [];
    let stale = 0;
    for (let run = 0; run < options.warmup + options.runs; run++) {
      const started = performance.now();
      const result = await fleet.runway.scheduler.tickOffThread(worker);
      if (result === null) stale++;
      if (run >= options.warmup) samples.push(performance.now() - started);
    }
    checks.check(
      stale === 0,
      `worker ticks at ${fleet.label} were never stale with nothing else writing`,
    );
    return summarize(samples);
  } finally {
    await worker.close();
  }
}

export interface PreparedFleet {
  runway: Runway;
  clock: ManualClock;
  dbPath: string;
  label: string;
  states: Record<string, number>;
  edges: number;
  close(): void;
}

export function prepareTickFleet(options: TickBenchOptions, checks: Checks): PreparedFleet {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-tick-'));
  const clock = new ManualClock(START_MS);
  const dbPath = join(dir, 'runway.db');
  const runway = createRunway({ dbPath, clock });
  const label = `${options.experiments.toLocaleString('en-US')} experiments / ${options.edges.toLocaleString('en-US')} edges`;
  const close = (): void => {
    runway.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const operatorToken = runway.auth.createToken(
      { name: 'bench-operator', role: 'operator' },
      ADMIN,
    ).token;
    const operator = runway.auth.authenticate(operatorToken)!;
    const manager = runway.auth.authenticate(
      runway.auth.createToken({ name: 'bench-manager', role: 'release-manager' }, ADMIN).token,
    )!;

    // Policy first, as an operator would have it before the queue fills.
    const scale = options.experiments / 1_000;
    runway.policy.setCap({ scope: 'global', name: null, maxActive: Math.round(60 * scale) }, ADMIN);
    for (const service of ['checkout', 'search', 'recommendations', 'mobile-api']) {
      runway.policy.setCap(
        { scope: 'service', name: service, maxActive: Math.max(2, Math.round(4 * scale)) },
        ADMIN,
      );
    }
    runway.policy.setCap(
      { scope: 'team', name: 'growth', maxActive: Math.max(2, Math.round(5 * scale)) },
      ADMIN,
    );
    runway.policy.freeze(
      {
        service: 'pricing',
        untilMs: START_MS + 7 * 86_400_000,
        reason: 'quarter-end pricing freeze',
      },
      manager,
    );
    runway.policy.freeze(
      {
        service: null,
        startsAtMs: START_MS + 20 * 86_400_000,
        untilMs: START_MS + 22 * 86_400_000,
        reason: 'holiday freeze',
      },
      manager,
    );
    runway.policy.setSlo({ service: 'auth', objective: 0.999, windowMs: 28 * 86_400_000 }, ADMIN);
    runway.policy.setBudget({ service: 'auth', remainingFraction: 0.04, burnRate: 1.2 }, ADMIN);

    progress(`tick at ${label}: seeding…`);
    const fleet = generateFleet({
      count: options.experiments,
      edges: options.edges,
      seed: 11,
      prefix: 'tick',
      nowMs: START_MS,
    });
    for (let start = 0; start < fleet.length; start += options.batchSize) {
      runway.experiments.enqueue(
        { specs: fleet.slice(start, start + options.batchSize) },
        operator,
      );
    }
    const edges = runway.db
      .prepare('SELECT COUNT(*) FROM experiment_edges')
      .pluck()
      .get() as number;
    checks.check(
      edges === options.edges && edgeCount(fleet) === options.edges,
      `tick fleet (${label}) has ${options.edges} edges (found ${edges})`,
    );

    // A simulated day: tick every 30 minutes; guardrails report; a few running ones get paused.
    progress(`tick at ${label}: simulating a day of ticks…`);
    const guarded = new Set(fleet.filter((spec) => spec.guardrails).map((spec) => spec.key));
    const running = runway.db.prepare(
      "SELECT key, version FROM experiments WHERE state = 'running' ORDER BY seq",
    );
    for (let round = 0; round < 48; round++) {
      runway.scheduler.tick();
      let index = 0;
      for (const row of running.all() as Array<{ key: string; version: number }>) {
        index++;
        if (guarded.has(row.key))
          runway.experiments.recordGuardrailVerdict(
            row.key,
            'error_rate',
            index % 17 === 0 ? 'fail' : 'pass',
            { round },
          );
        if (round % 12 === 11 && index % 25 === 0)
          runway.experiments.pause(
            row.key,
            row.version,
            'investigating a support ticket',
            operator,
          );
      }
      clock.advance(30 * 60_000);
    }
    const states = runway.experimentStore.countByState();
    progress(`tick at ${label}: states ${JSON.stringify(states)}`);
    for (const state of ['queued', 'running', 'paused', 'completed', 'pending_approval']) {
      checks.check((states[state] ?? 0) > 0, `tick fleet (${label}) has ${state} experiments`);
    }
    return { runway, clock, dbPath, label, states, edges, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Steady state: the clock stands still, so after the warm-up most ticks apply nothing. */
export function measureTicks(
  fleet: PreparedFleet,
  options: TickBenchOptions,
  checks: Checks,
): TickBenchResult {
  const { runway, clock, label, states, edges } = fleet;
  progress(`tick at ${label}: timing ${options.runs} ticks, snapshot loads and decides…`);
  let calls = 0;
  let ticksThatApplied = 0;
  let lastDecision: SchedulerDecision | null = null;
  const tickSamples = timeSync(options.runs, options.warmup, () => {
    const result = runway.scheduler.tick();
    if (++calls > options.warmup && result.applied.changed.length > 0) ticksThatApplied++;
    lastDecision = result.decision;
  });
  const loadSamples = timeSync(options.runs, options.warmup, () => {
    runway.gates.snapshot();
  });
  // After any write the store reads every row again (an unchanged database is served from the
  // last snapshot). A same-value update stands in for that write; it is not timed.
  const touch = runway.db.prepare(
    'UPDATE budget_policy SET max_burn_rate = max_burn_rate WHERE id = 1',
  );
  const freshLoadSamples = timeSync(
    options.runs,
    options.warmup,
    () => {
      runway.gates.snapshot();
    },
    () => touch.run(),
  );
  const snapshot = runway.gates.snapshot();
  let decision: SchedulerDecision | null = null;
  const decideSamples = timeSync(options.runs, options.warmup, () => {
    decision = decide(snapshot, clock.now());
  });
  checks.check(
    snapshot.experiments.length === options.experiments,
    `snapshot at ${label} holds every experiment`,
  );
  checks.check(
    isDeepStrictEqual(decision, lastDecision),
    `decide() alone at ${label} returns the decision of the last tick`,
  );
  checkSnapshotSeesWrites(fleet, checks);
  return {
    tick: summarize(tickSamples),
    load: summarize(loadSamples),
    freshLoad: summarize(freshLoadSamples),
    decide: summarize(decideSamples),
    ticksThatApplied,
    states,
    edges,
  };
}

/**
 * An unchanged database is served from the last snapshot: check that a write through Runway's
 * own connection, and a commit by another connection, both show in the next one. (These writes
 * bypass the services; the fleet is thrown away right after.)
 */
function checkSnapshotSeesWrites(fleet: PreparedFleet, checks: Checks): void {
  const { runway, dbPath, label } = fleet;
  const stateOf = (key: string): string | undefined =>
    runway.gates.snapshot().experiments.find((experiment) => experiment.key === key)?.state;
  const queued = runway.db
    .prepare("SELECT key FROM experiments WHERE state = 'queued' ORDER BY seq LIMIT 2")
    .pluck()
    .all() as string[];
  const abort = "UPDATE experiments SET state = 'aborted', version = version + 1 WHERE key = ?";
  stateOf(queued[0]!);
  runway.db.prepare(abort).run(queued[0]);
  checks.check(
    stateOf(queued[0]!) === 'aborted',
    `snapshot at ${label} sees a write made through its own connection`,
  );
  const other = new Database(dbPath);
  try {
    other.prepare(abort).run(queued[1]);
  } finally {
    other.close();
  }
  checks.check(
    stateOf(queued[1]!) === 'aborted',
    `snapshot at ${label} sees a commit by another connection`,
  );
}
