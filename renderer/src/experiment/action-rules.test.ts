import { describe, expect, it } from 'vitest';
import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import type { Role } from '../../../shared/src/roles';
import { actionAvailability, advanceBlockers, type ActionSubject } from './action-rules';

const stages = [
  { percent: 10, holdMs: 600_000, approve: false },
  { percent: 50, holdMs: 600_000, approve: true },
  { percent: 100, holdMs: 600_000, approve: false },
];

function subject(overrides: Partial<ActionSubject> = {}): ActionSubject {
  return {
    state: 'running',
    stageIndex: 0,
    stageCount: 3,
    stages,
    author: 'alice',
    approvals: [],
    blockedReasons: [],
    ...overrides,
  };
}

const as = (role: Role, name = 'bob') => ({ name, role });

function byKind(experiment: ActionSubject, user: { name: string; role: Role } | null) {
  return Object.fromEntries(
    actionAvailability(experiment, user).map((action) => [action.kind, action]),
  );
}

describe('actionAvailability', () => {
  it('disables everything for a viewer, saying which role each action needs', () => {
    const actions = byKind(subject(), as('viewer', 'vic'));
    for (const action of Object.values(actions)) expect(action.enabled).toBe(false);
    expect(actions.pause!.why).toBe(
      'Only operators and above can pause; you are signed in as viewer.',
    );
    expect(actions.rollback!.why).toBe(
      'Only operators and above can roll back; you are signed in as viewer.',
    );
    expect(actions.advance!.why).toBe(
      'Only release managers and above can advance; you are signed in as viewer.',
    );
  });

  it('lets an operator pause and roll back, not advance, approve or abort', () => {
    const actions = byKind(subject(), as('operator'));
    expect(actions.pause!.enabled).toBe(true);
    expect(actions.rollback!.enabled).toBe(true);
    expect(actions.advance!.enabled).toBe(false);
    expect(actions.abort!.why).toMatch(/release managers/);
    expect(actions.resume!.why).toBe(
      'You can resume only an experiment that is paused; this one is running.',
    );
  });

  it('requires a reason for pause, rollback, abort and approve only', () => {
    const required = actionAvailability(subject(), as('admin'))
      .filter((action) => action.reasonRequired)
      .map((action) => action.kind)
      .sort();
    expect(required).toEqual(['abort', 'approve', 'pause', 'rollback']);
  });

  it('explains an advance blocked by a gate and notes what a manual advance overrides', () => {
    const held: BlockedReason[] = [
      { kind: 'hold_time', remainingMs: 300_000, message: 'hold time: 5m left in this stage' },
      {
        kind: 'guardrails',
        verdict: 'inconclusive',
        message: 'guardrails need more data before a verdict',
      },
    ];
    const overridable = byKind(subject({ blockedReasons: held }), as('release-manager'));
    expect(overridable.advance).toMatchObject({
      enabled: true,
      label: 'Advance to 50%',
      note: 'Advancing now overrides: hold time: 5m left in this stage; guardrails need more data before a verdict.',
    });

    const approval: BlockedReason = {
      kind: 'awaiting_approval',
      stageIndex: 1,
      message: 'awaiting approval to ramp to stage 2 (50%)',
    };
    const blocked = byKind(subject({ blockedReasons: [...held, approval] }), as('release-manager'));
    expect(blocked.advance).toMatchObject({
      enabled: false,
      why: 'Advancing is blocked: awaiting approval to ramp to stage 2 (50%).',
    });
    const failing: BlockedReason = {
      kind: 'guardrails',
      verdict: 'fail',
      message: 'a guardrail is failing',
    };
    expect(advanceBlockers([failing]).blockers).toEqual([failing]);
  });

  it('names the next stage only for a running experiment, and Complete at the last stage', () => {
    const label = (overrides: Partial<ActionSubject>): string =>
      byKind(subject(overrides), as('release-manager')).advance!.label;
    expect(label({ state: 'queued', stageIndex: -1 })).toBe('Advance');
    expect(label({ state: 'paused' })).toBe('Advance');
    expect(label({ state: 'running', stageIndex: 0 })).toBe('Advance to 50%');
    expect(label({ state: 'running', stageIndex: 2 })).toBe('Complete');
  });

  it('approves the next stage that asks for it, never by the author, once', () => {
    const pending = byKind(subject(), as('release-manager', 'bob'));
    expect(pending.approve).toMatchObject({ enabled: true, label: 'Approve stage 2 (50%)' });
    const own = byKind(subject(), as('release-manager', 'alice'));
    expect(own.approve!.why).toBe(
      'You enqueued this experiment, so another release manager must approve it.',
    );
    const approved = byKind(
      subject({ approvals: [{ stageIndex: 1, approver: 'carol', reason: 'ok', atMs: 1 }] }),
      as('release-manager'),
    );
    expect(approved.approve).toMatchObject({
      enabled: false,
      why: 'Nothing awaits approval at this point.',
    });
    const highRisk = byKind(subject({ state: 'pending_approval', stageIndex: -1 }), as('admin'));
    expect(highRisk.approve).toMatchObject({ enabled: true, label: 'Approve' });
  });

  it('follows the lifecycle: a completed experiment can only be rolled back', () => {
    const actions = byKind(subject({ state: 'completed', stageIndex: 2 }), as('admin'));
    const enabled = Object.values(actions)
      .filter((action) => action.enabled)
      .map((action) => action.kind);
    expect(enabled).toEqual(['rollback']);
    expect(actions.abort!.why).toMatch(/this one is completed/);
    const last = byKind(subject({ stageIndex: 2 }), as('admin'));
    expect(last.advance!.label).toBe('Complete');
  });

  it('asks to sign in when nobody is', () => {
    expect(byKind(subject(), null).pause!.why).toBe('Sign in to act on experiments.');
  });
});
