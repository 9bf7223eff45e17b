import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';
import { resolveCrew } from './demo-crew';
import { seedDemoFleet } from './demo';
import { SHIPPED_CHAIN } from './demo-shipped-chain';

const VIEWER: Actor = { userId: null, name: 'demo-test', role: 'viewer' };
const ROOT = 'search-locale-analyzers';
const MIDDLE = 'search-locale-stemming';
const RUNNING = 'search-compound-splitting';

let dir: string;
let runway: Runway;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-demo-chain-'));
  runway = createRunway({
    dbPath: join(dir, 'runway.db'),
    clock: new ManualClock(Date.parse('2026-11-23T09:00:00Z')),
  });
  seedDemoFleet(runway);
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The experiment's audit entries, oldest first, as [actor, action]. */
function trail(key: string): Array<[string, string]> {
  return runway.audit
    .list({ experimentKey: key, limit: 100 })
    .reverse()
    .map((entry) => [entry.actor, entry.action]);
}

function seqOf(key: string, action: string): number {
  return runway.audit.list({ experimentKey: key, action: `experiment.${action}`, limit: 1 })[0]!
    .seq;
}

describe('the chain the demo ships at start-up', () => {
  it('is the one SHIPPED_CHAIN describes, in requires order', () => {
    expect(SHIPPED_CHAIN.map((link) => [link.key, link.requires ?? [], link.seededAs])).toEqual([
      [ROOT, [], 'completed'],
      [MIDDLE, [ROOT], 'completed'],
      [RUNNING, [MIDDLE], 'running'],
    ]);
  });

  it('comes from the real services: enqueued by its authors, started by the scheduler, shipped by release managers', () => {
    const view = (key: string) => runway.experiments.get(key, VIEWER);
    expect(view(ROOT)).toMatchObject({ state: 'completed', stageIndex: 2 });
    expect(view(MIDDLE)).toMatchObject({ state: 'completed', stageIndex: 1 });
    expect(view(RUNNING)).toMatchObject({ state: 'running', stageIndex: 0, exposurePercent: 10 });
    for (const key of [ROOT, MIDDLE, RUNNING]) {
      expect(view(key).guardrails.length, key).toBeGreaterThan(0);
      expect(view(key).service, key).toBe('search');
    }

    expect(trail(ROOT)).toEqual([
      ['lucas.ferreira', 'experiment.enqueue'],
      ['runway:scheduler', 'experiment.start'],
      ['omar.haddad', 'experiment.advance'],
      ['omar.haddad', 'experiment.advance'],
      ['omar.haddad', 'experiment.complete'],
    ]);
    expect(trail(MIDDLE)).toEqual([
      ['kenji.watanabe', 'experiment.enqueue'],
      ['runway:scheduler', 'experiment.start'],
      ['grace.lin', 'experiment.advance'],
      ['grace.lin', 'experiment.complete'],
    ]);
    expect(trail(RUNNING)).toEqual([
      ['kenji.watanabe', 'experiment.enqueue'],
      ['runway:scheduler', 'experiment.start'],
    ]);
    // Each started only once what it requires had completed.
    expect(seqOf(MIDDLE, 'start')).toBeGreaterThan(seqOf(ROOT, 'complete'));
    expect(seqOf(RUNNING, 'start')).toBeGreaterThan(seqOf(MIDDLE, 'complete'));
    // A person's advance past the hold always says why.
    for (const entry of runway.audit.list({ actor: 'omar.haddad', limit: 100 }))
      expect(entry.reason, entry.action).toBeTruthy();
    expect(runway.experimentStore.history(ROOT).map((entry) => entry.event)).toEqual([
      'enqueue',
      'start',
      'advance',
      'advance',
      'complete',
    ]);

    // Shipped serves treatment to everyone; the running one splits its layer.
    expect(runway.flags.evaluate(ROOT, 'user-1', VIEWER)?.variant).toBe('treatment');
    expect(runway.flags.evaluate(MIDDLE, 'user-1', VIEWER)?.variant).toBe('treatment');
    expect(runway.flags.evaluate(RUNNING, 'user-1', VIEWER)?.reason).toBe('SPLIT');
    expect(runway.audit.verify().ok).toBe(true);
  });

  it('puts exactly the three in the blast radius of the first, dependents first', () => {
    expect(runway.experiments.blastRadius(ROOT, VIEWER)).toEqual([
      { key: RUNNING, state: 'running', via: MIDDLE },
      { key: MIDDLE, state: 'completed', via: ROOT },
      { key: ROOT, state: 'completed', via: null },
    ]);
  });

  it('rolls all three back when a release manager withdraws the first, each cascade entry naming it', () => {
    const dana = resolveCrew(runway, { create: false })!.actor('dana.whitfield');
    const reason = 'INC-5120: German queries return empty pages since the analyzers shipped';
    const { version } = runway.experimentStore.get(ROOT)!;
    const result = runway.experiments.rollback(ROOT, version, reason, dana);
    expect(result.changed.map((change) => [change.key, change.fromState, change.toState])).toEqual([
      [RUNNING, 'running', 'rolled_back'],
      [MIDDLE, 'completed', 'rolled_back'],
      [ROOT, 'completed', 'rolled_back'],
    ]);
    const rollbacks = runway.audit
      .list({ action: 'experiment.rollback', limit: 100 })
      .reverse()
      .map(({ experimentKey, actor, cause, reason: why }) => ({
        experimentKey,
        actor,
        cause,
        reason: why,
      }));
    expect(rollbacks).toEqual([
      {
        experimentKey: RUNNING,
        actor: 'dana.whitfield',
        cause: ROOT,
        reason: `cascade from ${ROOT}: ${reason}`,
      },
      {
        experimentKey: MIDDLE,
        actor: 'dana.whitfield',
        cause: ROOT,
        reason: `cascade from ${ROOT}: ${reason}`,
      },
      { experimentKey: ROOT, actor: 'dana.whitfield', cause: null, reason },
    ]);
    for (const key of [ROOT, MIDDLE, RUNNING]) {
      expect(runway.experiments.get(key, VIEWER).state, key).toBe('rolled_back');
      expect(runway.flags.evaluate(key, 'user-1', VIEWER)?.variant, key).toBe('control');
    }
    expect(runway.experiments.blastRadius(ROOT, VIEWER)).toEqual([
      { key: ROOT, state: 'rolled_back', via: null },
    ]);
    expect(runway.audit.verify().ok).toBe(true);
  });
});
