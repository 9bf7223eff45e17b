import type { ExperimentView } from '../../../shared/src/api-types';
import { formatPercent } from '../../../shared/src/blocked-reasons';
import { isLive } from '../../../shared/src/lifecycle';
import type { Actor } from '../actor';
import { GUARDRAIL_ACTOR } from '../guardrails/guardrail-service';
import { DEMO_READER, RELEASE_MANAGERS, type CrewName } from './demo-crew';
import { SHIPPED_CHAIN_KEYS } from './demo-shipped-chain';
import {
  attempt,
  chance,
  current,
  elapsedSince,
  isFleet,
  pick,
  type SimContext,
} from './demo-sim-context';

const REVIEW_MIN_MS = 60_000;
const STAGE_REVIEW_MIN_MS = 30_000;
const HUMAN_PAUSE_MIN_MS = 60_000;
const GUARDRAIL_PAUSE_MIN_MS = 90_000;
/**
 * People hold ramps they have watched for a while. It also keeps their holds off experiments in
 * their first minutes, where the demo's telemetry scenarios play out (demo-scenarios.ts): the
 * guardrail engine, not a person, is meant to catch those.
 */
const HOLD_AFTER_RUNNING_MS = 6 * 60_000;

/**
 * The demo crew at work: release managers review approvals, owners look into paused experiments,
 * someone occasionally holds a ramp, and now and then a shipped change is withdrawn after an
 * incident. Every action names its person and says why, as the audit log of a real team would.
 */
export function actAsPeople(ctx: SimContext): void {
  for (const view of ctx.open) {
    if (!isFleet(ctx, view)) continue;
    if (view.state === 'pending_approval' || view.state === 'queued') {
      if (abortIfDoomed(ctx, view)) continue;
    }
    if (view.state === 'pending_approval') reviewExperiment(ctx, view);
    else if (view.state === 'queued' || view.state === 'running') reviewStage(ctx, view);
    else if (view.state === 'paused') followUpPause(ctx, view);
  }
  maybeHoldARamp(ctx);
  maybeWithdrawShippedChange(ctx);
}

/** A release manager other than the author. */
function reviewer(ctx: SimContext, author: string): Actor {
  const candidates = RELEASE_MANAGERS.filter((name) => name !== author);
  return ctx.crew.actor(pick(ctx, candidates));
}

/** The owner when the owner is in the crew, else the author. */
function ownerActor(ctx: SimContext, view: ExperimentView): Actor {
  const owner = ctx.crew.find(view.owner) ?? ctx.crew.find(view.author);
  return ctx.crew.actor((owner?.name ?? 'dana.whitfield') as CrewName);
}

function reviewExperiment(ctx: SimContext, view: ExperimentView): void {
  if (elapsedSince(ctx, view.stateChangedAtMs) < REVIEW_MIN_MS || !chance(ctx, 0.08)) return;
  const row = current(ctx, view.key);
  if (row?.state !== 'pending_approval') return;
  const actor = reviewer(ctx, view.author);
  const reason = pick(ctx, [
    `Reviewed the rollout plan, guardrails and blast radius of ${view.key}; OK to queue`,
    `Risk review done with ${view.owner}: rollback path tested in staging, guardrails cover ${view.guardrails.map((g) => g.sli).join(' and ')}`,
    `Approved in the ${view.team} change review; ${view.channel ?? 'the team channel'} is watching the first stage`,
  ]);
  attempt(ctx, view.key, `${actor.name} approved ${view.key}`, () =>
    ctx.runway.experiments.approve(view.key, row.version, reason, actor),
  );
}

/** Approves a stage that asks for a person, once the current stage has had a look. */
function reviewStage(ctx: SimContext, view: ExperimentView): void {
  const awaiting = view.blockedReasons.find(
    (reason) => reason.kind === 'awaiting_approval' && reason.stageIndex !== null,
  );
  if (awaiting?.kind !== 'awaiting_approval' || awaiting.stageIndex === null) return;
  const since = view.state === 'running' ? view.stageStartedAtMs : view.stateChangedAtMs;
  if (elapsedSince(ctx, since) < STAGE_REVIEW_MIN_MS || !chance(ctx, 0.15)) return;
  const row = current(ctx, view.key);
  if (row?.state !== view.state || row.stageIndex !== view.stageIndex) return;
  const actor = reviewer(ctx, view.author);
  const nextPercent = formatPercent(view.stages[awaiting.stageIndex]?.percent ?? 0);
  const reason =
    awaiting.stageIndex === 0
      ? `Start window confirmed with ${view.owner}; approved stage 1 at ${nextPercent}`
      : pick(ctx, [
          `Stage ${view.stageIndex + 1} looks healthy, guardrails flat against control; approved ramp to ${nextPercent}`,
          `Checked the ${view.service} dashboards with ${view.owner}; go to ${nextPercent}`,
        ]);
  attempt(
    ctx,
    view.key,
    `${actor.name} approved ${view.key} stage ${awaiting.stageIndex + 1}`,
    () => ctx.runway.experiments.approve(view.key, row.version, reason, actor),
  );
}

/**
 * A queued experiment whose prerequisite was rolled back or aborted can never start: a release
 * manager aborts it. Only once its `after` predecessors have ended, so lanes keep their order.
 */
function abortIfDoomed(ctx: SimContext, view: ExperimentView): boolean {
  if (view.blockedReasons.some((reason) => reason.kind === 'after')) return false;
  const doomed = view.blockedReasons.find(
    (reason) =>
      (reason.kind === 'requires' &&
        (reason.state === 'rolled_back' || reason.state === 'aborted')) ||
      reason.kind === 'not_after',
  );
  if (!doomed) return false;
  const row = current(ctx, view.key);
  if (row?.state !== view.state) return false;
  const actor = reviewer(ctx, view.author);
  const reason =
    doomed.kind === 'requires'
      ? `Prerequisite ${doomed.key} was ${doomed.state.replace('_', ' ')}, so ${view.key} can never start; ${view.owner} will re-plan and enqueue a new version`
      : `Its schedule window closed before it could start; ${view.owner} will reschedule`;
  return attempt(ctx, view.key, `${actor.name} aborted ${view.key}`, () =>
    ctx.runway.experiments.abort(view.key, row.version, reason, actor),
  );
}

function followUpPause(ctx: SimContext, view: ExperimentView): void {
  const history = ctx.runway.experimentStore.history(view.key);
  const pause = [...history].reverse().find((entry) => entry.event === 'pause');
  const byGuardrail = pause?.actor === GUARDRAIL_ACTOR.name;
  // Someone outside the crew (a newcomer trying the console) paused it: theirs to resume.
  if (!pause || (!byGuardrail && !ctx.crew.isCrew(pause.actor))) return;
  const waitMs = byGuardrail ? GUARDRAIL_PAUSE_MIN_MS : HUMAN_PAUSE_MIN_MS;
  if (elapsedSince(ctx, view.stateChangedAtMs) < waitMs || !chance(ctx, 0.2)) return;
  const row = current(ctx, view.key);
  if (row?.state !== 'paused') return;
  const owner = ownerActor(ctx, view);
  const { experiments } = ctx.runway;
  // The engine pauses for a failing guardrail or for lost telemetry; only the first leaves a fail.
  const failed =
    byGuardrail &&
    ctx.runway.experimentStore
      .guardrailStatuses(view.key)
      .some((status) => status.verdict === 'fail');
  if (failed && chance(ctx, 0.3)) {
    const reason = `Confirmed the regression behind the guardrail alert is real; rolling back until the fix ships`;
    attempt(ctx, view.key, `${owner.name} rolled back ${view.key}`, () =>
      experiments.rollback(view.key, row.version, reason, owner),
    );
    return;
  }
  const reason = !byGuardrail
    ? pick(ctx, [
        'Checked with support: the ticket spike was a carrier outage, unrelated; resuming',
        'Traffic spike has passed and control and treatment look the same; resuming',
        'Dashboards agree again after the metrics pipeline caught up; resuming',
      ])
    : failed
      ? pick(ctx, [
          'Investigated the guardrail alert: one canary host had a cold cache; drained it, resuming on fresh data',
          'Alert traced to a noisy upstream dependency, not this change (see the incident channel); resuming',
        ])
      : pick(ctx, [
          "The treatment pods' OpenTelemetry collector had run out of memory; restarted it and treatment metrics are arriving again; resuming",
          "The treatment deployment's metrics exporter lost its token in a secret rotation; fixed, telemetry is back; resuming",
        ]);
  attempt(ctx, view.key, `${owner.name} resumed ${view.key}`, () =>
    experiments.resume(view.key, row.version, reason, owner),
  );
}

/** Now and then someone holds a ramp to look at something; at most one such pause at a time. */
function maybeHoldARamp(ctx: SimContext): void {
  if (ctx.open.some((view) => view.state === 'paused' && isFleet(ctx, view))) return;
  if (!chance(ctx, 0.008)) return;
  const running = ctx.open.filter(
    (view) =>
      view.state === 'running' &&
      isFleet(ctx, view) &&
      !ctx.touched.has(view.key) &&
      elapsedSince(ctx, startedAtMs(ctx, view.key)) >= HOLD_AFTER_RUNNING_MS,
  );
  if (running.length === 0) return;
  const view = pick(ctx, running);
  const row = current(ctx, view.key);
  if (row?.state !== 'running') return;
  const actor = chance(ctx, 0.5) ? ownerActor(ctx, view) : reviewer(ctx, view.author);
  const reason = pick(ctx, [
    `Support sees a spike of ${view.service} tickets; holding ${view.key} while we check it is unrelated`,
    `Marketing push going out in a few minutes; holding the ramp until the traffic spike passes`,
    `Treatment and control numbers disagree between two dashboards; holding until the metrics pipeline catches up`,
  ]);
  attempt(ctx, view.key, `${actor.name} paused ${view.key}`, () =>
    ctx.runway.experiments.pause(view.key, row.version, reason, actor),
  );
}

function startedAtMs(ctx: SimContext, key: string): number | null {
  return (
    ctx.runway.experimentStore.history(key).find((entry) => entry.event === 'start')?.at ?? null
  );
}

/**
 * Rarely, a change that already shipped is implicated in an incident and withdrawn: rolling back
 * a completed experiment takes down everything live that requires it (the cascade). Never the
 * chain shipped at start-up: the start-up text invites the newcomer to withdraw that one.
 */
function maybeWithdrawShippedChange(ctx: SimContext): void {
  if (!chance(ctx, 0.0007)) return;
  const { experiments, experimentStore } = ctx.runway;
  const shipped = experiments
    .list({ states: ['completed'] }, DEMO_READER)
    .filter(
      (view) =>
        isFleet(ctx, view) &&
        !SHIPPED_CHAIN_KEYS.has(view.key) &&
        experimentStore.directDependents(view.key).some((key) => isLiveKey(ctx, key)),
    );
  if (shipped.length === 0) return;
  const view = pick(ctx, shipped);
  const row = current(ctx, view.key);
  if (row?.state !== 'completed') return;
  const actor = reviewer(ctx, view.author);
  const incident = `INC-${5000 + Math.floor(ctx.random() * 4000)}`;
  const reason = `${incident}: elevated ${view.service} errors since ${view.key} reached 100%; withdrawing it and what is built on it`;
  attempt(ctx, view.key, `${actor.name} withdrew ${view.key} (cascade)`, () =>
    experiments.rollback(view.key, row.version, reason, actor),
  );
}

function isLiveKey(ctx: SimContext, key: string): boolean {
  const row = current(ctx, key);
  return row !== null && isLive(row.state);
}
