import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';
import { DecisionWorker } from './decision-worker';
import { SchedulerEpochs } from './scheduler-epochs';

let dir: string;
let runway: Runway;
let worker: DecisionWorker;
let alice: Actor;
let bob: Actor;

function spec(key: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    title: key,
    owner: 'a@example.com',
    team: 't',
    service: 's',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 10, hold: '1m' }],
    ...overrides,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-worker-'));
  runway = createRunway({
    dbPath: join(dir, 'runway.db'),
    clock: new ManualClock(Date.parse('2026-11-22T09:00:00Z')),
  });
  const setup = { userId: null, name: 'setup', role: 'admin' as const };
  alice = runway.auth.authenticate(
    runway.auth.createToken({ name: 'alice', role: 'operator' }, setup).token,
  )!;
  bob = runway.auth.authenticate(
    runway.auth.createToken({ name: 'bob', role: 'release-manager' }, setup).token,
  )!;
  worker = new DecisionWorker(join(dir, 'runway.db'));
  runway.gates.useWorker(worker);
});
afterEach(async () => {
  await worker.close();
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ticks decided in the worker thread', () => {
  it('decides exactly what an in-process decide would, and applies it', async () => {
    runway.experiments.enqueue(
      { specs: [spec('base'), spec('next', { requires: ['base'] })] },
      alice,
    );
    const inProcess = runway.gates.current();
    const result = await runway.scheduler.tickOffThread(worker);
    // A tick brings back the actions only; reads fetch the reasons they need.
    expect(result?.decision).toEqual({ ...inProcess, blocked: [], held: [] });
    expect(result?.applied.changed).toEqual([
      { key: 'base', fromState: 'queued', toState: 'running', version: 2 },
    ]);
    await runway.gates.refresh(['next']);
    expect(runway.gates.blockedReasons('next').map((reason) => reason.message)).toEqual([
      'requires base (running, stage 1/1)',
    ]);
    await runway.gates.refresh();
    expect(runway.gates.current().blocked.map((entry) => entry.key)).toEqual(['next']);
  });

  it('drops a decision that a change made meanwhile could invalidate, and applies one that only new enqueues followed', async () => {
    runway.experiments.enqueue(
      { specs: [spec('first'), spec('rival', { excludes: ['first'] })] },
      alice,
    );
    const stale = runway.scheduler.tickOffThread(worker);
    // Committed while the worker decides: a freeze makes any start it decided unsafe.
    runway.policy.freeze(
      { service: 's', untilMs: runway.clock.now() + 60_000, reason: 'incident' },
      bob,
    );
    expect(await stale).toBeNull();
    expect(runway.experiments.get('first', alice).state).toBe('queued');

    runway.policy.unfreeze({ service: 's' }, bob);
    const fine = runway.scheduler.tickOffThread(worker);
    runway.experiments.enqueue({ specs: [spec('late')] }, alice);
    expect((await fine)?.applied.changed.map((change) => change.key)).toContain('first');
  });
});

describe('SchedulerEpochs', () => {
  it('counts changes and tells whether only scheduling-neutral ones happened since an epoch', () => {
    const epochs = new SchedulerEpochs();
    epochs.record(true);
    const at = epochs.current();
    epochs.record(true);
    expect(epochs.safeSince(at)).toBe(true);
    epochs.record(false);
    expect(epochs.safeSince(at)).toBe(false);
    expect(epochs.safeSince(epochs.current())).toBe(true);
  });
});
