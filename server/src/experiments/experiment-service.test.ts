import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunwayError } from '../../../shared/src/errors';
import type { Role } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';

const MINUTE = 60_000;
let dir: string;
let runway: Runway;
let clock: ManualClock;
let alice: Actor;
let bob: Actor;
let carol: Actor;

function actorFor(name: string, role: Role): Actor {
  const created = runway.auth.createToken(
    { name, role },
    { userId: null, name: 'setup', role: 'admin' },
  );
  return runway.auth.authenticate(created.token)!;
}

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
      { percent: 100, hold: '10m' },
    ],
    ...overrides,
  };
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

const version = (key: string): number => runway.experiments.get(key, alice).version;
const state = (key: string): string => runway.experiments.get(key, alice).state;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-service-'));
  clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  runway = createRunway({ dbPath: join(dir, 'runway.db'), clock });
  alice = actorFor('alice', 'operator');
  bob = actorFor('bob', 'release-manager');
  carol = actorFor('carol', 'release-manager');
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('approvals', () => {
  it('holds a high-risk experiment for approval by someone other than its author', () => {
    runway.experiments.enqueue({ specs: [spec('risky', { risk: 'high' })] }, bob);
    expect(state('risky')).toBe('pending_approval');
    expect(runway.gates.blockedReasons('risky').map((reason) => reason.message)).toContain(
      'awaiting approval',
    );
    expectCode(() => runway.experiments.approve('risky', 1, 'looks fine', bob), 'SELF_APPROVAL');
    expectCode(() => runway.experiments.approve('risky', 1, 'looks fine', alice), 'FORBIDDEN');
    runway.experiments.approve('risky', 1, 'reviewed the rollout plan', carol);
    expect(state('risky')).toBe('queued');
    runway.scheduler.tick();
    expect(state('risky')).toBe('running');
  });

  it('gates a ramp into a stage that asks for approval', () => {
    runway.experiments.enqueue(
      {
        specs: [
          spec('gated', {
            stages: [
              { percent: 5, hold: '1m' },
              { percent: 50, hold: '1m', approve: true },
            ],
          }),
        ],
      },
      alice,
    );
    runway.scheduler.tick();
    clock.advance(2 * MINUTE);
    runway.scheduler.tick();
    const held = runway.experiments.get('gated', alice);
    expect(held.stageIndex).toBe(0);
    expect(held.blockedReasons.map((reason) => reason.message)).toEqual([
      'awaiting approval to ramp to stage 2 (50%)',
    ]);
    runway.experiments.approve('gated', held.version, 'metrics look healthy', bob);
    runway.scheduler.tick();
    expect(runway.experiments.get('gated', alice)).toMatchObject({
      stageIndex: 1,
      exposurePercent: 50,
    });
  });
});

describe('manual transitions', () => {
  it('advances before the hold time but not through a freeze', () => {
    runway.experiments.enqueue({ specs: [spec('fast')] }, alice);
    runway.scheduler.tick();
    runway.policy.freeze(
      { service: 'checkout', untilMs: clock.now() + 60 * MINUTE, reason: 'peak traffic' },
      bob,
    );
    const error = expectCode(
      () => runway.experiments.advance('fast', version('fast'), null, bob),
      'GATE_BLOCKED',
    );
    expect(error.message).toContain('freeze window on checkout until 10:00 UTC (peak traffic)');
    runway.policy.unfreeze({ service: 'checkout' }, bob);
    runway.experiments.advance('fast', version('fast'), 'confident', bob);
    expect(runway.experiments.get('fast', alice)).toMatchObject({
      state: 'running',
      stageIndex: 1,
      exposurePercent: 100,
    });
    runway.experiments.advance('fast', version('fast'), 'done', bob);
    expect(state('fast')).toBe('completed');
  });

  it('pauses and resumes with the hold restarted, and refuses transitions from the wrong state', () => {
    runway.experiments.enqueue({ specs: [spec('pp')] }, alice);
    expectCode(() => runway.experiments.pause('pp', 1, 'why', alice), 'INVALID_TRANSITION');
    runway.scheduler.tick();
    runway.experiments.pause('pp', version('pp'), 'investigating a spike', alice);
    clock.advance(30 * MINUTE);
    runway.scheduler.tick();
    expect(runway.experiments.get('pp', alice)).toMatchObject({ state: 'paused', stageIndex: 0 });
    runway.experiments.resume('pp', version('pp'), null, alice);
    expect(runway.experiments.get('pp', alice).stageStartedAtMs).toBe(clock.now());
  });

  it('aborts anything before completion, and records the reason in the audit log', () => {
    runway.experiments.enqueue({ specs: [spec('gone')] }, alice);
    expectCode(() => runway.experiments.abort('gone', 1, 'no longer needed', alice), 'FORBIDDEN');
    runway.experiments.abort('gone', 1, 'no longer needed', bob);
    expect(state('gone')).toBe('aborted');
    const [entry] = runway.audit.list({
      experimentKey: 'gone',
      action: 'experiment.abort',
      limit: 1,
    });
    expect(entry).toMatchObject({
      actor: 'bob',
      fromState: 'queued',
      toState: 'aborted',
      reason: 'no longer needed',
    });
  });

  it('refuses a stale version without changing anything', () => {
    runway.experiments.enqueue({ specs: [spec('vv')] }, alice);
    runway.scheduler.tick();
    const head = runway.audit.verify();
    expectCode(() => runway.experiments.pause('vv', 1, 'stale', alice), 'VERSION_CONFLICT');
    expect(runway.audit.verify()).toEqual(head);
  });
});

describe('enqueue', () => {
  it('replays an idempotent request and refuses the key with a different spec', () => {
    const first = runway.experiments.enqueue(
      { specs: [spec('idem')], idempotencyKey: 'ci-1' },
      alice,
    );
    const again = runway.experiments.enqueue(
      { specs: [spec('idem')], idempotencyKey: 'ci-1' },
      alice,
    );
    expect(again).toEqual({ ...first, replayed: true });
    expectCode(
      () =>
        runway.experiments.enqueue(
          { specs: [spec('idem', { priority: 90 })], idempotencyKey: 'ci-1' },
          alice,
        ),
      'IDEMPOTENCY_MISMATCH',
    );
    expectCode(() => runway.experiments.enqueue({ specs: [spec('idem')] }, alice), 'KEY_EXISTS');
  });

  it('creates drafts that are submitted later', () => {
    runway.experiments.enqueue({ specs: [spec('later')], draft: true }, alice);
    runway.scheduler.tick();
    expect(state('later')).toBe('draft');
    runway.experiments.submit('later', 1, alice);
    expect(state('later')).toBe('queued');
  });

  it('refuses a cycle within a batch, naming it in order', () => {
    const error = expectCode(
      () =>
        runway.experiments.enqueue(
          {
            specs: [
              spec('aa', { requires: ['bb'] }),
              spec('bb', { after: ['cc'] }),
              spec('cc', { requires: ['aa'] }),
            ],
          },
          alice,
        ),
      'SPEC_INVALID',
    );
    expect(error.issues).toContainEqual({
      path: '[0].requires',
      message: 'cycle through requires/after: aa -> bb -> cc -> aa',
    });
    expect(runway.experiments.list({}, alice)).toEqual([]);
  });
});

describe('plan', () => {
  it('forecasts starts after prerequisites complete and freezes end', () => {
    runway.experiments.enqueue({ specs: [spec('base', { layer: 'shared' })] }, alice);
    runway.experiments.enqueue({ specs: [spec('next', { requires: ['base'] })] }, alice);
    runway.policy.freeze(
      { service: 'checkout', untilMs: clock.now() + 30 * MINUTE, reason: 'release train' },
      bob,
    );
    const forecast = runway.scheduler.plan(alice);
    const byKey = Object.fromEntries(forecast.entries.map((entry) => [entry.key, entry]));
    const start = clock.now() + 30 * MINUTE;
    expect(byKey.base).toMatchObject({
      expectedStartMs: start,
      expectedCompleteMs: start + 20 * MINUTE,
    });
    expect(byKey.next).toMatchObject({
      expectedStartMs: start + 20 * MINUTE,
      expectedCompleteMs: start + 40 * MINUTE,
    });
  });
});

describe('rollback against the blast radius the user confirmed', () => {
  function shipWithDependent(): void {
    runway.experiments.enqueue(
      {
        specs: [
          spec('ledger', { stages: [{ percent: 100, hold: '1m' }] }),
          spec('ledger-ui', { requires: ['ledger'] }),
        ],
      },
      alice,
    );
    runway.scheduler.tick();
    runway.experiments.advance('ledger', version('ledger'), null, bob);
    runway.scheduler.tick();
    expect(state('ledger-ui')).toBe('running');
  }

  it('changes nothing when the cascade now reaches an experiment that was not confirmed', () => {
    shipWithDependent();
    const confirmed = runway.experiments.blastRadius('ledger', alice).map((entry) => entry.key);
    expect(confirmed).toEqual(['ledger-ui', 'ledger']);
    runway.experiments.enqueue({ specs: [spec('ledger-export', { requires: ['ledger'] })] }, alice);
    runway.scheduler.tick();
    expect(state('ledger-export')).toBe('running');
    const auditBefore = runway.audit.list({ limit: 1 })[0]!.seq;

    const error = expectCode(
      () =>
        runway.experiments.rollback('ledger', version('ledger'), 'drift', alice, {
          expectedBlastRadius: confirmed,
        }),
      'CASCADE_CHANGED',
    );
    expect(error.message).toBe(
      'rolling back ledger would now also take down ledger-export, which was not in the blast radius you confirmed; nothing was rolled back: look at the blast radius again and confirm',
    );
    expect(error.details).toMatchObject({ key: 'ledger', unconfirmed: ['ledger-export'] });
    expect((error.details['blastRadius'] as Array<{ key: string }>).map((e) => e.key)).toEqual(
      runway.experiments.blastRadius('ledger', alice).map((entry) => entry.key),
    );
    for (const key of ['ledger', 'ledger-ui', 'ledger-export'])
      expect(state(key)).not.toBe('rolled_back');
    expect(runway.audit.list({ limit: 1 })[0]!.seq).toBe(auditBefore);
    expect(runway.pages.list(alice, {})).toEqual([]);
  });

  it('goes ahead when the cascade shrank since, and without an expectation as before', () => {
    shipWithDependent();
    const confirmed = runway.experiments.blastRadius('ledger', alice).map((entry) => entry.key);
    runway.experiments.rollback('ledger-ui', version('ledger-ui'), 'ui bug', alice);
    const result = runway.experiments.rollback('ledger', version('ledger'), 'drift', alice, {
      expectedBlastRadius: confirmed,
    });
    expect(result.changed.map((change) => change.key)).toEqual(['ledger']);
    expect(state('ledger')).toBe('rolled_back');
  });
});
