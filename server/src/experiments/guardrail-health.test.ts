import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';

// experiments.guardrailHealth: what the console's graph shows as each experiment's health dot.

let dir: string;
let runway: Runway;
let alice: Actor;
let bob: Actor;
let vic: Actor;

function actorFor(name: string, role: Role): Actor {
  const created = runway.auth.createToken(
    { name, role },
    { userId: null, name: 'setup', role: 'admin' },
  );
  return runway.auth.authenticate(created.token)!;
}

const GUARDRAILS = [
  { sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' },
  { sli: 'latency_p95_ms', maxRelative: 0.1, window: '10m', action: 'pause' },
];

function spec(key: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    title: key,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [
      { percent: 10, hold: '10m' },
      { percent: 50, hold: '10m' },
    ],
    ...overrides,
  };
}

const version = (key: string): number => runway.experiments.get(key, alice).version;
const health = (): Record<string, string> =>
  Object.fromEntries(
    runway.experiments.guardrailHealth(vic).map((entry) => [entry.key, entry.verdict]),
  );

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-health-'));
  runway = createRunway({
    dbPath: join(dir, 'runway.db'),
    clock: new ManualClock(Date.parse('2026-11-22T09:00:00Z')),
  });
  alice = actorFor('alice', 'operator');
  bob = actorFor('bob', 'release-manager');
  vic = actorFor('vic', 'viewer');
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('guardrail health', () => {
  it('combines the current stage verdicts worst first, for every started experiment with guardrails', () => {
    runway.experiments.enqueue(
      {
        specs: [
          spec('guarded', { guardrails: GUARDRAILS }),
          spec('plain'),
          spec('waiting', { guardrails: GUARDRAILS, requires: ['guarded'] }),
        ],
      },
      alice,
    );
    runway.scheduler.tick();
    // Running without an evaluation yet is no data, never a pass; unguarded and queued have no dot.
    expect(health()).toEqual({ guarded: 'no_data' });

    runway.experiments.recordGuardrailVerdict('guarded', 'error_rate', 'pass', {});
    expect(health()).toEqual({ guarded: 'pass' });
    runway.experiments.recordGuardrailVerdict('guarded', 'latency_p95_ms', 'inconclusive', {});
    expect(health()).toEqual({ guarded: 'inconclusive' });
    runway.experiments.recordGuardrailVerdict('guarded', 'error_rate', 'fail', {});
    expect(health()).toEqual({ guarded: 'fail' });

    // A paused experiment keeps showing why it was paused.
    runway.experiments.pause('guarded', version('guarded'), 'latency looks off', alice);
    expect(health()).toEqual({ guarded: 'fail' });

    // A new stage starts over: the verdicts of the previous stage no longer apply.
    runway.experiments.resume('guarded', version('guarded'), null, alice);
    runway.experiments.recordGuardrailVerdict('guarded', 'error_rate', 'pass', {});
    runway.experiments.recordGuardrailVerdict('guarded', 'latency_p95_ms', 'pass', {});
    runway.experiments.advance('guarded', version('guarded'), 'healthy', bob);
    expect(runway.experiments.get('guarded', alice).stageIndex).toBe(1);
    expect(health()).toEqual({ guarded: 'no_data' });
    runway.experiments.recordGuardrailVerdict('guarded', 'error_rate', 'fail', {});
    runway.experiments.rollback('guarded', version('guarded'), 'errors', alice);
    // Rolled back: no longer active, but the verdict that took it down still shows.
    expect(health()).toEqual({ guarded: 'fail' });
  });

  it('is sorted by key and readable by viewers', () => {
    runway.experiments.enqueue(
      { specs: ['zeta', 'alpha', 'mid'].map((key) => spec(key, { guardrails: GUARDRAILS })) },
      alice,
    );
    runway.scheduler.tick();
    expect(runway.experiments.guardrailHealth(vic).map((entry) => entry.key)).toEqual([
      'alpha',
      'mid',
      'zeta',
    ]);
  });
});
