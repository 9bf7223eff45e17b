import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentView } from '../../../shared/src/api-types';
import type { BlockedReasonKind } from '../../../shared/src/blocked-reasons';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';
import { CREW } from './demo-crew';
import { attempt, type SimContext } from './demo-sim-context';
import { LAYER_LANES, finalPercent } from './demo-spec-kit';
import { seedDemoFleet, simulateStep, startDemoSimulation } from './demo';
import { driveDemo, startDemoHarness } from './demo-test-kit';
import { mulberry32 } from '../../../shared/src/seeded-random';

const VIEWER: Actor = { userId: null, name: 'demo-test', role: 'viewer' };
const ADMIN: Actor = { userId: null, name: 'demo-test', role: 'admin' };
const OPEN_STATES = ['pending_approval', 'queued', 'running', 'paused'] as const;

/** A seeded PRNG, so a run is the same every time. */
const seededRandom = mulberry32;

let dir: string;
let clock: ManualClock;
let runway: Runway;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-demo-'));
  clock = new ManualClock(Date.parse('2026-11-23T09:00:00Z'));
  runway = createRunway({ dbPath: join(dir, 'runway.db'), clock });
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = (): ExperimentView[] => runway.experiments.list({}, VIEWER);

/** Longest chain of `requires` edges starting at `key` (number of experiments in it). */
function requiresDepth(byKey: Map<string, ExperimentView>, key: string): number {
  const prerequisites = byKey.get(key)?.requires ?? [];
  return (
    1 + Math.max(0, ...prerequisites.map((prerequisite) => requiresDepth(byKey, prerequisite)))
  );
}

function hasOrderingCycle(views: readonly ExperimentView[]): boolean {
  const edges = new Map(views.map((view) => [view.key, [...view.requires, ...view.after]]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string): boolean => {
    if (state.get(key) === 'done') return false;
    if (state.get(key) === 'visiting') return true;
    state.set(key, 'visiting');
    const cyclic = (edges.get(key) ?? []).some(visit);
    state.set(key, 'done');
    return cyclic;
  };
  return views.some((view) => visit(view.key));
}

describe('seedDemoFleet', () => {
  it('enqueues about 40 experiments over 6 services, 5 layers and 4 teams, by the demo crew', () => {
    expect(seedDemoFleet(runway)).toEqual({ created: 43, skipped: false });
    const views = all();
    expect(views).toHaveLength(43);
    expect(new Set(views.map((view) => view.service)).size).toBe(6);
    expect(new Set(views.map((view) => view.layer)).size).toBe(5);
    expect(new Set(views.map((view) => view.team)).size).toBe(4);
    const crewNames = new Set<string>(CREW.map((person) => person.name));
    expect(
      views.every((view) => crewNames.has(view.author) && view.owner.endsWith('@example.com')),
    ).toBe(true);
    expect(new Set(views.map((view) => view.author)).size).toBeGreaterThanOrEqual(5);
    const users = runway.auth.listUsers(ADMIN).map((user) => user.name);
    expect(users).toEqual(
      expect.arrayContaining(['dana.whitfield', 'omar.haddad', 'grace.lin', 'maya.chen']),
    );
    for (const view of views) {
      expect(view.channel).toMatch(/^#/);
      expect(view.hypothesis).toBeTruthy();
      expect(view.guardrails.length).toBeGreaterThan(0);
      view.stages.forEach((stage, index) => {
        expect(stage.holdMs).toBeGreaterThanOrEqual(20_000);
        expect(stage.holdMs).toBeLessThanOrEqual(180_000);
        if (index > 0) expect(stage.percent).toBeGreaterThan(view.stages[index - 1]!.percent);
      });
    }
    expect(views.some((view) => view.stages.some((stage) => stage.approve))).toBe(true);
  });

  it('builds a cycle-free graph with requires chains 4 deep, exclusions and ordering', () => {
    seedDemoFleet(runway);
    const views = all();
    const byKey = new Map(views.map((view) => [view.key, view]));
    expect(hasOrderingCycle(views)).toBe(false);
    const depths = views.map((view) => requiresDepth(byKey, view.key));
    expect(Math.max(...depths)).toBe(4);
    expect(depths.filter((depth) => depth >= 3).length).toBeGreaterThanOrEqual(4);
    expect(views.filter((view) => view.excludes.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(views.filter((view) => view.after.length > 0).length).toBeGreaterThanOrEqual(5);
  });

  it('keeps every layer free of deadlocks: multi-stage experiments sit in lanes that add up to at most 100%', () => {
    seedDemoFleet(runway);
    for (const [layer, lanes] of Object.entries(LAYER_LANES)) {
      expect(
        lanes.reduce((sum, percent) => sum + percent, 0),
        layer,
      ).toBeLessThanOrEqual(100);
    }
    for (const view of all().filter((candidate) => candidate.stages.length > 1)) {
      expect(LAYER_LANES[view.layer], view.key).toContain(finalPercent(view.stages));
    }
  });

  it('shows every kind of blocked reason once the scheduler has had its first tick', () => {
    seedDemoFleet(runway);
    const started = runway.scheduler.tick().decision.starts.map((start) => start.key);
    expect(started.length).toBeGreaterThanOrEqual(5);
    const waiting = runway.experiments.list({ states: ['queued', 'pending_approval'] }, VIEWER);
    const kinds = new Set<BlockedReasonKind>(
      waiting.flatMap((view) => runway.gates.blockedReasons(view.key).map((reason) => reason.kind)),
    );
    for (const kind of [
      'awaiting_approval',
      'freeze',
      'error_budget',
      'requires',
      'excludes',
      'after',
      'layer_capacity',
      'concurrency',
      'not_before',
    ] as const) {
      expect(kinds, kind).toContain(kind);
    }
    expect(
      waiting.filter((view) => view.state === 'pending_approval').length,
    ).toBeGreaterThanOrEqual(3);
    const messages = waiting.flatMap((view) =>
      runway.gates.blockedReasons(view.key).map((reason) => reason.message),
    );
    expect(messages).toContain('error budget of identity at 4% (policy minimum 10%)');
    expect(
      messages.some((message) => message.startsWith('freeze window on catalog until 09:20 UTC')),
    ).toBe(true);
  });

  it('does nothing when the database already holds an experiment', () => {
    seedDemoFleet(runway);
    const auditRows = runway.audit.list({ limit: 10_000 }).length;
    const users = runway.auth.listUsers(ADMIN).length;
    expect(seedDemoFleet(runway)).toEqual({ created: 0, skipped: true });
    expect(all()).toHaveLength(43);
    expect(runway.audit.list({ limit: 10_000 })).toHaveLength(auditRows);
    expect(runway.auth.listUsers(ADMIN)).toHaveLength(users);
  });
});

describe('simulateStep', () => {
  it('moves the fleet over half an hour through the services, with a named actor and a reason for every action', async () => {
    // The real server: the fleet ramps only on guardrails the engine judged on the demo's telemetry.
    const harness = await startDemoHarness();
    const { runway: served } = harness.server;
    try {
      const random = seededRandom(20261123);
      const seenOpen: number[] = [];
      const seededOpen = served.experiments.list({ states: [...OPEN_STATES] }, VIEWER).length;
      served.scheduler.tick();
      await driveDemo(harness, 360, random, () =>
        seenOpen.push(served.experiments.list({ states: [...OPEN_STATES] }, VIEWER).length),
      );

      const audit = served.audit.list({ limit: 100_000 });
      const count = (action: string): number => audit.filter((row) => row.action === action).length;
      expect(count('experiment.start')).toBeGreaterThanOrEqual(15);
      expect(count('experiment.advance')).toBeGreaterThanOrEqual(15);
      expect(count('experiment.complete')).toBeGreaterThanOrEqual(5);
      expect(count('experiment.approve')).toBeGreaterThanOrEqual(5);
      expect(count('experiment.enqueue')).toBeGreaterThan(40);

      const views = new Map(served.experiments.list({}, VIEWER).map((view) => [view.key, view]));
      for (const row of audit.filter((entry) => entry.action === 'experiment.approve')) {
        expect(row.actor).not.toBe(views.get(row.experimentKey!)!.author);
        expect(['dana.whitfield', 'omar.haddad', 'grace.lin']).toContain(row.actor);
      }
      for (const row of audit.filter((entry) =>
        [
          'experiment.pause',
          'experiment.rollback',
          'experiment.abort',
          'experiment.approve',
        ].includes(entry.action),
      )) {
        expect(row.reason, `${row.action} of ${row.experimentKey}`).toBeTruthy();
      }
      const actors = new Set(audit.map((row) => row.actor));
      expect(actors.size).toBeGreaterThanOrEqual(8);
      // The real engine, not the crew, pauses and rolls back on the telemetry.
      expect(actors).toContain('runway:guardrails');

      const keys = [...views.keys()];
      expect(new Set(keys).size).toBe(keys.length);
      // Bounded: the fleet drains from what was seeded open and is topped up, never beyond it.
      expect(Math.max(...seenOpen)).toBeLessThanOrEqual(seededOpen);
      expect(seenOpen.at(-1)).toBeGreaterThanOrEqual(10);
      expect(served.audit.verify().ok).toBe(true);
    } finally {
      await harness.stop();
    }
  }, 120_000);

  it('leaves a database that was never seeded as a demo alone', () => {
    const author = runway.auth.createToken({ name: 'alice', role: 'operator' }, ADMIN).user;
    const alice: Actor = { userId: author.id, name: 'alice', role: 'operator' };
    runway.experiments.enqueue(
      {
        specs: [
          {
            key: 'real-rollout',
            title: 'A real rollout',
            owner: 'alice@example.com',
            team: 'payments',
            service: 'checkout',
            layer: 'web',
            stages: [{ percent: 10, hold: '1m' }],
          },
        ],
      },
      alice,
    );
    expect(seedDemoFleet(runway)).toEqual({ created: 0, skipped: true });
    const before = runway.audit.list({ limit: 1_000 }).length;
    const random = seededRandom(3);
    for (let step = 0; step < 20; step++) {
      clock.advance(5_000);
      expect(simulateStep(runway, random).actions).toEqual([]);
    }
    expect(runway.audit.list({ limit: 1_000 })).toHaveLength(before);
    expect(all().map((view) => view.key)).toEqual(['real-rollout']);
  });

  it('is deterministic for a given random', () => {
    seedDemoFleet(runway);
    const run = (target: Runway, targetClock: ManualClock): string[] => {
      const random = seededRandom(7);
      const actions: string[] = [];
      for (let step = 0; step < 60; step++) {
        targetClock.advance(5_000);
        actions.push(...simulateStep(target, random).actions);
        target.scheduler.tick();
      }
      return actions;
    };
    const otherDir = mkdtempSync(join(tmpdir(), 'runway-demo-'));
    const otherClock = new ManualClock(Date.parse('2026-11-23T09:00:00Z'));
    const other = createRunway({ dbPath: join(otherDir, 'runway.db'), clock: otherClock });
    try {
      seedDemoFleet(other);
      expect(run(runway, clock)).toEqual(run(other, otherClock));
    } finally {
      other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('races with the scheduler loop', () => {
  it('skips an action that lost a race and still surfaces real errors', () => {
    const ctx = { actions: [], touched: new Set<string>() } as unknown as SimContext;
    const lose = (code: 'VERSION_CONFLICT' | 'INVALID_TRANSITION') => () => {
      throw new RunwayError(code, 'moved on');
    };
    expect(attempt(ctx, 'x', 'approve x', lose('VERSION_CONFLICT'))).toBe(false);
    expect(attempt(ctx, 'x', 'approve x', lose('INVALID_TRANSITION'))).toBe(false);
    expect(ctx.actions).toEqual([]);
    expect(() =>
      attempt(ctx, 'x', 'approve x', () => {
        throw new RunwayError('FORBIDDEN', 'no');
      }),
    ).toThrow('no');
  });
});

describe('startDemoSimulation', () => {
  afterEach(() => vi.useRealTimers());

  it("sends the simulated apps' telemetry to the server it is given", async () => {
    const harness = await startDemoHarness();
    const { runway: served, url, adminToken } = harness.server;
    try {
      served.scheduler.tick();
      // Each service's apps send their own request; wait for the one payments-api-v3 is in.
      const ingested = new Promise<void>((resolve) => {
        const unsubscribe = served.telemetry.onIngest(() => {
          if (served.telemetry.lastSeen('payments-api-v3').length === 0) return;
          unsubscribe();
          resolve();
        });
      });
      const simulation = startDemoSimulation(served, {
        intervalMs: 20,
        random: seededRandom(4),
        traffic: { url, token: adminToken },
      });
      await ingested;
      simulation.stop();
      const seen = served.telemetry.lastSeen('payments-api-v3').map((arm) => arm.variant);
      expect(seen.sort()).toEqual(['control', 'treatment']);
    } finally {
      await harness.stop();
    }
  });

  it('runs a step every interval without ticking the scheduler, and stops', async () => {
    vi.useFakeTimers();
    seedDemoFleet(runway);
    const tick = vi.spyOn(runway.scheduler, 'tick');
    const random = vi.fn(seededRandom(1));
    const simulation = startDemoSimulation(runway, { intervalMs: 1_000, random });
    clock.advance(90_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(random).toHaveBeenCalled();
    expect(tick).not.toHaveBeenCalled();
    simulation.stop();
    const calls = random.mock.calls.length;
    clock.advance(90_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(random.mock.calls.length).toBe(calls);
  });

  it('acts on fresh blocked reasons when the server decides in a worker thread', async () => {
    const harness = await startDemoHarness({ worker: true });
    const { runway: served } = harness.server;
    try {
      served.scheduler.tick();
      const admin: Actor = { userId: null, name: 'demo-test', role: 'admin' };
      const row = served.experimentStore.get('payments-api-v3')!;
      // The worker's last decision still has payments-3ds2-challenge waiting for it to complete.
      served.experiments.rollback('payments-api-v3', row.version, 'withdrawn by hand', admin);
      const aborted = new Promise<string>((resolve) => {
        const unsubscribe = served.feed.subscribe((rows) => {
          const abort = rows.find((entry) => entry.action === 'experiment.abort');
          if (!abort) return;
          unsubscribe();
          resolve(abort.experimentKey ?? '');
        });
      });
      const simulation = startDemoSimulation(served, { intervalMs: 20, random: seededRandom(2) });
      await expect(aborted).resolves.toBe('payments-3ds2-challenge');
      simulation.stop();
    } finally {
      await harness.stop();
    }
  });

  it('logs a failing step instead of throwing', async () => {
    vi.useFakeTimers();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const simulation = startDemoSimulation(runway, { intervalMs: 1_000, random: () => 0.5 });
    runway.close();
    await vi.advanceTimersByTimeAsync(3_000);
    simulation.stop();
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
    runway = createRunway({ dbPath: join(dir, 'runway.db'), clock });
  });
});
