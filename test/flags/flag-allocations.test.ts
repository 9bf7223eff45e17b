// Flag allocations follow the experiment lifecycle inside the transitions' own transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUCKETS } from '../../shared/src/flags/bucket';
import type { Allocation } from '../../shared/src/flags/bucket-ranges';
import { containsBucket, countBuckets } from '../../shared/src/flags/bucket-ranges';
import { RunwayError } from '../../shared/src/errors';
import type { Role } from '../../shared/src/roles';
import type { Actor } from '../../server/src/actor';
import { ManualClock } from '../../server/src/clock';
import { FlagStore } from '../../server/src/flags/flag-store';
import { createRunway, type Runway } from '../../server/src/runway';
import { makeSpec } from '../support/harness';

let dir: string;
let runway: Runway;
let flagStore: FlagStore;
let alice: Actor;
let bob: Actor;

function actorFor(name: string, role: Role): Actor {
  const setup: Actor = { userId: null, name: 'setup', role: 'admin' };
  return runway.auth.authenticate(runway.auth.createToken({ name, role }, setup).token)!;
}

const version = (key: string): number => runway.experiments.get(key, alice).version;
const allocation = (key: string): Allocation => flagStore.flag(key)?.allocation ?? [];
const held = (key: string): number => countBuckets(allocation(key));
const rowCount = (): number =>
  runway.db.prepare('SELECT COUNT(*) FROM flag_allocations').pluck().get() as number;

function enqueue(key: string, overrides: Record<string, unknown> = {}): void {
  runway.experiments.enqueue({ specs: [makeSpec(key, overrides)] }, alice);
}

function expectCode(action: () => unknown, code: string): RunwayError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RunwayError);
    expect((error as RunwayError).code).toBe(code);
    return error as RunwayError;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-flags-'));
  runway = createRunway({
    dbPath: join(dir, 'runway.db'),
    clock: new ManualClock(Date.parse('2026-11-22T09:00:00Z')),
  });
  flagStore = new FlagStore(runway.db);
  alice = actorFor('alice', 'operator');
  bob = actorFor('bob', 'release-manager');
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('allocations across the lifecycle', () => {
  it('grows on start and every ramp, keeps its buckets while paused, releases on complete', () => {
    enqueue('grow');
    expect(held('grow')).toBe(0);
    runway.scheduler.tick();
    expect(held('grow')).toBe(1_000);
    const first = allocation('grow');

    runway.experiments.advance('grow', version('grow'), 'looks good', bob);
    expect(held('grow')).toBe(5_000);
    for (const { start } of first) expect(containsBucket(allocation('grow'), start)).toBe(true);

    const beforePause = allocation('grow');
    runway.experiments.pause('grow', version('grow'), 'investigating', alice);
    expect(allocation('grow')).toEqual(beforePause);
    runway.experiments.resume('grow', version('grow'), null, alice);
    runway.experiments.advance('grow', version('grow'), null, bob);
    expect(held('grow')).toBe(BUCKETS);

    runway.experiments.advance('grow', version('grow'), 'done', bob);
    expect(runway.experiments.get('grow', alice).state).toBe('completed');
    expect(rowCount()).toBe(0);
    expect(runway.flags.evaluate('grow', 'user-1', alice)).toMatchObject({
      value: true,
      reason: 'STATIC',
    });
  });

  it('releases on rollback, for the dependents of a cascade too, and on abort', () => {
    enqueue('base');
    enqueue('child', { requires: ['base'] });
    enqueue('other');
    runway.scheduler.tick();
    // child may start once base has completed, which releases base's buckets.
    for (let stage = 0; stage < 3; stage++) {
      runway.experiments.advance('base', version('base'), null, bob);
    }
    runway.scheduler.tick();
    expect(runway.experiments.get('base', alice).state).toBe('completed');
    expect([held('base'), held('child'), held('other')]).toEqual([0, 1_000, 1_000]);

    runway.experiments.rollback('base', version('base'), 'errors up', alice);
    expect(runway.experiments.get('child', alice).state).toBe('rolled_back');
    expect([held('base'), held('child')]).toEqual([0, 0]);
    for (const key of ['base', 'child']) {
      expect(runway.flags.evaluate(key, 'user-1', alice)).toMatchObject({
        value: false,
        variant: 'control',
        reason: 'DISABLED',
      });
    }

    runway.experiments.abort('other', version('other'), 'not needed', bob);
    expect(rowCount()).toBe(0);
  });

  it('never exposes one unit to two experiments of a layer', () => {
    enqueue('left', { layer: 'shared', stages: [{ percent: 40, hold: '10m' }] });
    enqueue('right', { layer: 'shared', stages: [{ percent: 50, hold: '10m' }] });
    runway.scheduler.tick();
    expect([held('left'), held('right')]).toEqual([4_000, 5_000]);
    const exposed = { left: 0, right: 0 };
    for (let i = 0; i < 2_000; i++) {
      const left = runway.flags.evaluate('left', `user-${i}`, alice)!.value;
      const right = runway.flags.evaluate('right', `user-${i}`, alice)!.value;
      expect(left && right).toBe(false);
      if (left) exposed.left++;
      if (right) exposed.right++;
    }
    expect(exposed.left / 2_000).toBeCloseTo(0.4, 1);
    expect(exposed.right / 2_000).toBeCloseTo(0.5, 1);
  });
});

describe('a full layer refuses the transition as a whole', () => {
  // Buckets held outside the scheduler's percent bookkeeping: a draft made to squat in the layer.
  function squat(percent: number): void {
    runway.experiments.enqueue(
      { specs: [makeSpec('squat', { layer: 'crowded' })], draft: true },
      alice,
    );
    runway.db.transaction(() => runway.flags.grow('squat', percent, 0))();
  }

  it('skips a start the layer cannot hold, and still applies the rest of the tick', () => {
    squat(95);
    enqueue('late', { layer: 'crowded' });
    enqueue('elsewhere');
    const { applied } = runway.scheduler.tick();
    expect(applied.changed.map((change) => change.key)).toEqual(['elsewhere']);
    expect(runway.experiments.get('late', alice)).toMatchObject({ state: 'queued', version: 1 });
    expect(runway.experiments.get('elsewhere', alice)).toMatchObject({ state: 'running' });
    expect([held('late'), held('elsewhere') > 0, held('squat')]).toEqual([0, true, 9_500]);
    // Nothing of the skipped start reached the audit log.
    expect(
      runway.audit.list({ experimentKey: 'late', action: 'experiment.start', limit: 1 }),
    ).toEqual([]);
    expect(runway.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses a ramp: stage, version, history and allocation are unchanged', () => {
    enqueue('ramp', { layer: 'crowded' });
    runway.scheduler.tick();
    squat(70);
    const before = runway.experiments.get('ramp', alice);
    const allocationBefore = allocation('ramp');
    const error = expectCode(
      () => runway.experiments.advance('ramp', before.version, 'go', bob),
      'GATE_BLOCKED',
    );
    expect(error.message).toContain('needs 4000 more buckets');
    const after = runway.experiments.get('ramp', alice);
    expect(after).toMatchObject({ stageIndex: 0, exposurePercent: 10, version: before.version });
    expect(after.history).toEqual(before.history);
    expect(allocation('ramp')).toEqual(allocationBefore);
  });
});
