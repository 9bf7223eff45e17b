import type { ExperimentDetail } from '../../../shared/src/api-types';
import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import { allowedFrom, canTransition, type TransitionAction } from '../../../shared/src/lifecycle';
import { roleAtLeast, type Role } from '../../../shared/src/roles';
import { stateLabel } from '../../../shared/src/state-label';

// What a person may do to an experiment right now, and, when they may not, why — decided from
// the same rules the server applies (DESIGN §3, §4, §6), so a disabled button explains itself
// instead of the server refusing a click. The server still decides; this only predicts it.

export type ActionKind = 'advance' | 'pause' | 'resume' | 'rollback' | 'approve' | 'abort';

export const ACTION_ORDER: readonly ActionKind[] = [
  'advance',
  'approve',
  'pause',
  'resume',
  'rollback',
  'abort',
];

export interface ActionAvailability {
  kind: ActionKind;
  label: string;
  enabled: boolean;
  /** Why it is disabled: the first of role, state and gate that forbids it. */
  why: string | null;
  /** What the person should know before doing it (an advance that skips the hold time). */
  note: string | null;
  /** Pause, rollback, abort and approvals need a reason (DESIGN §3). */
  reasonRequired: boolean;
  neededRole: Role;
}

const NEEDED_ROLE: Record<ActionKind, Role> = {
  advance: 'release-manager',
  approve: 'release-manager',
  abort: 'release-manager',
  pause: 'operator',
  resume: 'operator',
  rollback: 'operator',
};

const REASON_REQUIRED: Record<ActionKind, boolean> = {
  advance: false,
  approve: true,
  abort: true,
  pause: true,
  resume: false,
  rollback: true,
};

const ROLE_NAME: Record<Role, string> = {
  viewer: 'viewers',
  operator: 'operators',
  'release-manager': 'release managers',
  admin: 'admins',
};

export type ActionSubject = Pick<
  ExperimentDetail,
  'state' | 'stageIndex' | 'stageCount' | 'stages' | 'author' | 'approvals' | 'blockedReasons'
>;

export interface ActionUser {
  name: string;
  role: Role;
}

export function actionAvailability(
  experiment: ActionSubject,
  user: ActionUser | null,
): ActionAvailability[] {
  return ACTION_ORDER.map((kind) => availability(kind, experiment, user));
}

function availability(
  kind: ActionKind,
  experiment: ActionSubject,
  user: ActionUser | null,
): ActionAvailability {
  const base = {
    kind,
    label: labelFor(kind, experiment),
    note: null,
    reasonRequired: REASON_REQUIRED[kind],
    neededRole: NEEDED_ROLE[kind],
  };
  const refuse = (why: string): ActionAvailability => ({ ...base, enabled: false, why });
  if (!user) return refuse('Sign in to act on experiments.');
  const needed = NEEDED_ROLE[kind];
  if (!roleAtLeast(user.role, needed)) {
    return refuse(
      `Only ${ROLE_NAME[needed]} and above can ${verb(kind)}; you are signed in as ${user.role}.`,
    );
  }
  const lifecycleAction: TransitionAction = kind;
  if (!canTransition(lifecycleAction, experiment.state)) {
    const from = allowedFrom(lifecycleAction).map(stateLabel).join(', ');
    return refuse(
      `You can ${verb(kind)} only an experiment that is ${from}; this one is ${stateLabel(experiment.state)}.`,
    );
  }
  if (kind === 'approve') return approveAvailability(base, experiment, user);
  if (kind === 'advance') {
    const { blockers, skipped } = advanceBlockers(experiment.blockedReasons);
    if (blockers.length > 0) {
      return refuse(
        `Advancing is blocked: ${blockers.map((reason) => reason.message).join('; ')}.`,
      );
    }
    const note =
      skipped.length > 0
        ? `Advancing now overrides: ${skipped.map((reason) => reason.message).join('; ')}.`
        : null;
    return { ...base, enabled: true, why: null, note };
  }
  return { ...base, enabled: true, why: null };
}

/**
 * The reasons that stop a manual advance. A person may advance before the hold time is up and
 * while guardrails are still inconclusive (that is what a manual advance is for); a failing
 * guardrail, a gate or a missing approval still stops it, as the server checks.
 */
export function advanceBlockers(reasons: readonly BlockedReason[]): {
  blockers: BlockedReason[];
  skipped: BlockedReason[];
} {
  const overridable = (reason: BlockedReason): boolean =>
    reason.kind === 'hold_time' || (reason.kind === 'guardrails' && reason.verdict !== 'fail');
  return {
    blockers: reasons.filter((reason) => !overridable(reason)),
    skipped: reasons.filter(overridable),
  };
}

/** What an approval would approve now: the experiment (high risk), a stage, or nothing. */
export function pendingApproval(
  experiment: ActionSubject,
): { what: 'experiment' } | { what: 'stage'; stageIndex: number } | null {
  if (experiment.state === 'pending_approval') return { what: 'experiment' };
  const stageIndex = experiment.state === 'queued' ? 0 : experiment.stageIndex + 1;
  const stage = experiment.stages[stageIndex];
  if (!stage?.approve) return null;
  const approved = experiment.approvals.some((approval) => approval.stageIndex === stageIndex);
  return approved ? null : { what: 'stage', stageIndex };
}

function approveAvailability(
  base: Omit<ActionAvailability, 'enabled' | 'why'>,
  experiment: ActionSubject,
  user: ActionUser,
): ActionAvailability {
  if (!pendingApproval(experiment)) {
    return { ...base, enabled: false, why: 'Nothing awaits approval at this point.' };
  }
  if (experiment.author === user.name) {
    return {
      ...base,
      enabled: false,
      why: 'You enqueued this experiment, so another release manager must approve it.',
    };
  }
  return { ...base, enabled: true, why: null };
}

function labelFor(kind: ActionKind, experiment: ActionSubject): string {
  switch (kind) {
    case 'advance': {
      // Only a running experiment has a next stage to name; a queued one is not at a stage yet.
      if (experiment.state !== 'running') return 'Advance';
      const next = experiment.stages[experiment.stageIndex + 1];
      return next ? `Advance to ${next.percent}%` : 'Complete';
    }
    case 'approve': {
      const pending = pendingApproval(experiment);
      if (pending?.what === 'stage') {
        const stage = experiment.stages[pending.stageIndex];
        return `Approve stage ${pending.stageIndex + 1}${stage ? ` (${stage.percent}%)` : ''}`;
      }
      return 'Approve';
    }
    case 'pause':
      return 'Pause';
    case 'resume':
      return 'Resume';
    case 'rollback':
      return 'Roll back';
    case 'abort':
      return 'Abort';
  }
}

function verb(kind: ActionKind): string {
  return kind === 'rollback' ? 'roll back' : kind;
}
