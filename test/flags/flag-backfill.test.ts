// Experiments already running or paused when flag_allocations arrived (migration 3) hold no
// buckets; the backfill at start-up gives them their current stage's share of the layer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countBuckets } from '../../shared/src/flags/bucket-ranges';
import type { Role } from '../../shared/src/roles';
import type { Actor } from '../../server/src/actor';
import { ManualClock } from '../../server/src/clock';
import { FlagStore } from '../../server/src/flags/flag-store';
import { createRunway, type Runway } from '../../server/src/runway';
import { makeSpec } from '../support/harness';

const START_MS = Date.parse('2026-11-22T09:00:00Z');
let dir: string;
let dbPath: string;
let clock: ManualClock;
let runway: Runway;
let alice: Actor;
let bob: Actor;

function open(): Runway {
  return createRunway({ dbPath, clock });
}

function actorFor(name: string, role: Role): Actor {
  const setup: Actor = { userId: null, name: 'setup', role: 'admin' };
  return runway.auth.authenticate(runway.auth.createToken({ name, role }, setup).token)!;
}

interface AllocationRow {
  key: string;
  layer: string;
  rangesJson: string;
  updatedAt: number;
}

function allocationRows(): AllocationRow[] {
  return runway.db
    .prepare(
      `SELECT experiment_key AS key, layer, ranges_json AS rangesJson, updated_at AS updatedAt
       FROM flag_allocations ORDER BY experiment_key`,
    )
    .all() as AllocationRow[];
}

const buckets = (key: string): number =>
  countBuckets(new FlagStore(runway.db).flag(key)?.allocation ?? []);

/** What a database from before migration 3 looks like for `key`: live, but holding no buckets. */
function forgetAllocation(key: string): void {
  runway.db.prepare('DELETE FROM flag_allocations WHERE experiment_key = ?').run(key);
}

const backfill = () => runway.db.transaction(() => runway.flags.backfillAllocations(clock.now()))();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-backfill-'));
  dbPath = join(dir, 'runway.db');
  clock = new ManualClock(START_MS);
  runway = open();
  alice = actorFor('alice', 'operator');
  bob = actorFor('bob', 'release-manager');
});
afterEach(() => {
  vi.restoreAllMocks();
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FlagService.backfillAllocations', () => {
  it('gives a running and a paused experiment the buckets of their current stage, once', () => {
    runway.experiments.enqueue({ specs: [makeSpec('ramped'), makeSpec('held')] }, alice);
    runway.scheduler.tick();
    const version = (key: string): number => runway.experiments.get(key, alice).version;
    runway.experiments.advance('ramped', version('ramped'), 'looks good', bob);
    runway.experiments.pause('held', version('held'), 'investigating', alice);
    const before = allocationRows();
    expect(before.map((row) => row.key)).toEqual(['held', 'ramped']);
    forgetAllocation('ramped');
    forgetAllocation('held');
    expect(buckets('ramped')).toBe(0);

    clock.advance(60_000);
    expect(backfill()).toEqual({ grown: ['ramped', 'held'], skipped: [] });
    expect(buckets('ramped')).toBe(5_000); // stage 2: 50% of 10,000 buckets
    expect(buckets('held')).toBe(1_000); // paused at stage 1: 10%
    const after = allocationRows();
    // Growth is deterministic, so the same units are exposed as before the rows were lost.
    expect(after.map(({ key, layer, rangesJson }) => ({ key, layer, rangesJson }))).toEqual(
      before.map(({ key, layer, rangesJson }) => ({ key, layer, rangesJson })),
    );
    expect(after.every((row) => row.updatedAt === clock.now())).toBe(true);

    clock.advance(60_000);
    expect(backfill()).toEqual({ grown: [], skipped: [] });
    expect(allocationRows()).toEqual(after);
  });

  it('leaves queued, completed, rolled back and aborted experiments without buckets', () => {
    runway.experiments.enqueue(
      {
        specs: [
          makeSpec('done', { stages: [{ percent: 10, hold: '1m' }] }),
          makeSpec('undone'),
          makeSpec('stopped'),
        ],
      },
      alice,
    );
    runway.scheduler.tick();
    const version = (key: string): number => runway.experiments.get(key, alice).version;
    runway.experiments.advance('done', version('done'), null, bob);
    runway.experiments.rollback('undone', version('undone'), 'errors', alice);
    runway.experiments.abort('stopped', version('stopped'), 'not needed', bob);
    runway.experiments.enqueue(
      { specs: [makeSpec('waiting', { notBefore: '2030-01-01T00:00:00Z' })] },
      alice,
    );
    expect(backfill()).toEqual({ grown: [], skipped: [] });
    expect(allocationRows()).toEqual([]);
  });

  it('skips, with a warning, an experiment whose layer has no room left', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    runway.experiments.enqueue(
      {
        specs: [
          makeSpec('early', { layer: 'shared' }),
          makeSpec('late', { layer: 'shared', stages: [{ percent: 90, hold: '10m' }] }),
        ],
      },
      alice,
    );
    runway.scheduler.tick();
    expect(runway.experiments.get('late', alice).state).toBe('running');
    // The scheduler keeps a layer's exposure within 100%, so only an inconsistent file gets here:
    // late holding more buckets than its stage says (as a hand-edited database could).
    forgetAllocation('early');
    runway.db.transaction(() => runway.flags.grow('late', 95, clock.now()))();
    const before = allocationRows();

    expect(backfill()).toEqual({ grown: [], skipped: ['early'] });
    expect(allocationRows()).toEqual(before);
    expect(buckets('early')).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no flag allocation for early'));
  });

  it('runs when Runway opens a database, so an old file is repaired at start-up', () => {
    runway.experiments.enqueue({ specs: [makeSpec('legacy')] }, alice);
    runway.scheduler.tick();
    forgetAllocation('legacy');
    runway.close();
    runway = open();
    expect(buckets('legacy')).toBe(1_000);
    expect(runway.flags.evaluate('legacy', 'unit-1', alice)?.reason).toBe('SPLIT');
  });
});
