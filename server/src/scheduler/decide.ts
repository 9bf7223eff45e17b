import {
  CAPACITY_REASON_KINDS,
  formatInstant,
  formatPercent,
  holdTimeMessage,
  type BlockedReason,
} from '../../../shared/src/blocked-reasons';
import { isActive, hasEnded, type ExperimentState } from '../../../shared/src/lifecycle';
import type { SchedulerExperiment, SchedulerPolicy, SchedulerSnapshot } from './scheduler-snapshot';
import { budgetGateBreaches } from '../budgets/error-budget';

export interface StartDecision {
  readonly kind: 'start';
  readonly key: string;
  readonly version: number;
  readonly percent: number;
}

export interface RampDecision {
  readonly kind: 'ramp';
  readonly key: string;
  readonly version: number;
  readonly fromStageIndex: number;
  readonly toStageIndex: number;
  readonly percent: number;
}

export interface CompleteDecision {
  readonly kind: 'complete';
  readonly key: string;
  readonly version: number;
}

export interface BlockedEntry {
  readonly key: string;
  readonly state: ExperimentState;
  readonly reasons: readonly BlockedReason[];
}

export interface SchedulerDecision {
  readonly starts: readonly StartDecision[];
  readonly ramps: readonly RampDecision[];
  readonly completions: readonly CompleteDecision[];
  /** Queued and pending-approval experiments that cannot start now, with every reason. */
  readonly blocked: readonly BlockedEntry[];
  /** Running experiments that cannot ramp or complete now, with every reason. */
  readonly held: readonly BlockedEntry[];
}

/** Scheduling order (DESIGN §4): higher priority first, then older enqueue first. */
export function compareSchedulingOrder(a: SchedulerExperiment, b: SchedulerExperiment): number {
  return b.priority - a.priority || a.seq - b.seq;
}

interface Reservation {
  amount: number;
  firstKey: string | null;
}

/**
 * The scheduler's pure core: given the queue and policy at `nowMs`, which experiments start, ramp
 * or complete, and why every other one waits. Same snapshot and clock → same decision.
 *
 * Ramps and completions of running experiments are decided before starts: they continue work
 * already under way (see docs/decisions/2026-11-22-ramps-before-starts.md). Starts then visit
 * queued experiments in scheduling order; one that is blocked only by capacity reserves what it
 * needs, so no lower-priority experiment can take it (no priority inversion).
 */
export function decide(snapshot: SchedulerSnapshot, nowMs: number): SchedulerDecision {
  const { policy } = snapshot;
  const byKey = new Map<string, SchedulerExperiment>();
  // Exclusion is symmetric: the partners of X are the keys X excludes and the experiments that
  // exclude X. Only active partners ever block, so only active experiments are indexed by what
  // they exclude: the active ones here, and each start as it is decided. (Snapshot keys are
  // unique: they are the primary key of the experiments table.)
  const excludedByActive = new Map<string, string[]>();
  const registerActiveExcludes = (experiment: SchedulerExperiment): void => {
    for (const excluded of experiment.excludes) {
      const list = excludedByActive.get(excluded);
      if (list) list.push(experiment.key);
      else excludedByActive.set(excluded, [experiment.key]);
    }
  };
  const layerUsed = new Map<string, number>();
  const activeByService = new Map<string, number>();
  const activeByTeam = new Map<string, number>();
  const activeKeys = new Set<string>();
  let activeGlobal = 0;
  const ordered: SchedulerExperiment[] = [];

  // Visit in key order, not snapshot order: layer exposure sums are floating point, and adding
  // the same percents in another order can give another total.
  const byKeyOrder = [...snapshot.experiments].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  for (const experiment of byKeyOrder) {
    byKey.set(experiment.key, experiment);
    if (isActive(experiment.state)) {
      registerActiveExcludes(experiment);
      activeKeys.add(experiment.key);
      activeGlobal++;
      increment(activeByService, experiment.service, 1);
      increment(activeByTeam, experiment.team, 1);
      increment(layerUsed, experiment.layer, experiment.exposurePercent);
    }
    if (
      experiment.state === 'running' ||
      experiment.state === 'queued' ||
      experiment.state === 'pending_approval'
    ) {
      ordered.push(experiment);
    }
  }
  ordered.sort(compareSchedulingOrder);

  const gates = new SharedGates(policy, nowMs);
  const pausedPrerequisite = pausedPrerequisiteFinder(byKey);
  const ramps: RampDecision[] = [];
  const completions: CompleteDecision[] = [];
  const held: BlockedEntry[] = [];

  for (const experiment of ordered) {
    if (experiment.state !== 'running') continue;
    const reasons: BlockedReason[] = [];
    const paused = pausedPrerequisite(experiment.key);
    if (paused) {
      reasons.push({
        kind: 'prerequisite_paused',
        key: paused,
        message: `prerequisite ${paused} is paused`,
      });
    }
    const stage = experiment.stages[experiment.stageIndex];
    if (stage && experiment.stageStartedAtMs !== null) {
      const remainingMs = experiment.stageStartedAtMs + stage.holdMs - nowMs;
      if (remainingMs > 0)
        reasons.push({ kind: 'hold_time', remainingMs, message: holdTimeMessage(remainingMs) });
    }
    if (experiment.guardrailVerdict !== null && experiment.guardrailVerdict !== 'pass') {
      const verdict = experiment.guardrailVerdict;
      const message =
        verdict === 'no_data'
          ? 'guardrails have no data yet'
          : verdict === 'inconclusive'
            ? 'guardrails need more data before a verdict'
            : 'a guardrail is failing';
      reasons.push({ kind: 'guardrails', verdict, message });
    }
    const nextIndex = experiment.stageIndex + 1;
    const next = experiment.stages[nextIndex];
    if (!next) {
      if (reasons.length === 0)
        completions.push({ kind: 'complete', key: experiment.key, version: experiment.version });
      else held.push({ key: experiment.key, state: experiment.state, reasons });
      continue;
    }
    reasons.push(...gates.freezeAndBudget(experiment.service));
    if (next.approve && !experiment.approvedStages.includes(nextIndex)) {
      reasons.push({
        kind: 'awaiting_approval',
        stageIndex: nextIndex,
        message: `awaiting approval to ramp to stage ${nextIndex + 1} (${formatPercent(next.percent)})`,
      });
    }
    const deltaPercent = next.percent - experiment.exposurePercent;
    const freePercent = 100 - (layerUsed.get(experiment.layer) ?? 0);
    if (deltaPercent > freePercent + 1e-9) {
      reasons.push(layerReason(experiment.layer, freePercent, deltaPercent, null));
    }
    if (reasons.length > 0) {
      held.push({ key: experiment.key, state: experiment.state, reasons });
      continue;
    }
    increment(layerUsed, experiment.layer, deltaPercent);
    ramps.push({
      kind: 'ramp',
      key: experiment.key,
      version: experiment.version,
      fromStageIndex: experiment.stageIndex,
      toStageIndex: nextIndex,
      percent: next.percent,
    });
  }

  const reservedLayer = new Map<string, Reservation>();
  const reservedService = new Map<string, Reservation>();
  const reservedTeam = new Map<string, Reservation>();
  const reservedGlobal: Reservation = { amount: 0, firstKey: null };
  const starts: StartDecision[] = [];
  const blocked: BlockedEntry[] = [];
  // Equal reasons are built once per decision and shared between the entries they block, as the
  // freeze and budget reasons already are: at 10,000 experiments most reasons repeat (the same
  // prerequisite, the same full cap), and every copy would be kept alive until the decision is
  // returned, which makes each young-generation collection during decide() copy them all again.
  const memo = new ReasonMemo();

  for (const experiment of ordered) {
    if (experiment.state === 'running') continue;
    const reasons: BlockedReason[] = [];
    const first = experiment.stages[0]!;
    if (experiment.state === 'pending_approval') {
      reasons.push(memo.awaitingApproval());
    } else if (first.approve && !experiment.approvedStages.includes(0)) {
      reasons.push(memo.awaitingFirstStageApproval());
    }
    for (const key of experiment.requires) {
      const prerequisite = byKey.get(key);
      if (prerequisite?.state !== 'completed') reasons.push(memo.requires(key, prerequisite));
    }
    for (const key of experiment.after) {
      const predecessor = byKey.get(key);
      if (!predecessor || !hasEnded(predecessor.state)) reasons.push(memo.after(key, predecessor));
    }
    // Sorted so the reasons do not depend on the order the snapshot lists experiments in.
    for (const key of activePartners(experiment, activeKeys, excludedByActive)) {
      // A partner started earlier in this tick is still `queued` in the snapshot.
      const partnerState = byKey.get(key)?.state;
      const state = partnerState !== undefined && isActive(partnerState) ? partnerState : 'running';
      reasons.push({ kind: 'excludes', key, state, message: `excludes ${key} (${state})` });
    }
    reasons.push(...gates.freezeAndBudget(experiment.service));
    if (experiment.notBeforeMs !== null && nowMs < experiment.notBeforeMs) {
      reasons.push({
        kind: 'not_before',
        atMs: experiment.notBeforeMs,
        message: `before notBefore (${formatInstant(experiment.notBeforeMs, nowMs)})`,
      });
    }
    if (experiment.notAfterMs !== null && nowMs > experiment.notAfterMs) {
      reasons.push({
        kind: 'not_after',
        atMs: experiment.notAfterMs,
        message: `past notAfter (${formatInstant(experiment.notAfterMs, nowMs)}): its window has closed`,
      });
    }

    const layerReservation = reservedLayer.get(experiment.layer);
    const freePercent = 100 - (layerUsed.get(experiment.layer) ?? 0);
    const reservedPercent = layerReservation?.amount ?? 0;
    if (first.percent > freePercent - reservedPercent + 1e-9) {
      const byReservation = first.percent <= freePercent + 1e-9;
      reasons.push(
        layerReason(
          experiment.layer,
          freePercent - reservedPercent,
          first.percent,
          byReservation ? layerReservation!.firstKey : null,
        ),
      );
    }
    const { service, team } = experiment;
    checkConcurrency(
      reasons,
      memo,
      'global',
      null,
      policy.maxActiveGlobal,
      activeGlobal,
      reservedGlobal,
    );
    checkConcurrency(
      reasons,
      memo,
      'service',
      service,
      policy.maxActivePerService[service],
      activeByService.get(service) ?? 0,
      reservedService.get(service),
    );
    checkConcurrency(
      reasons,
      memo,
      'team',
      team,
      policy.maxActivePerTeam[team],
      activeByTeam.get(team) ?? 0,
      reservedTeam.get(team),
    );

    if (reasons.length === 0 && experiment.state === 'queued') {
      starts.push({
        kind: 'start',
        key: experiment.key,
        version: experiment.version,
        percent: first.percent,
      });
      registerActiveExcludes(experiment);
      activeKeys.add(experiment.key);
      activeGlobal++;
      increment(activeByService, experiment.service, 1);
      increment(activeByTeam, experiment.team, 1);
      increment(layerUsed, experiment.layer, first.percent);
      continue;
    }
    blocked.push({ key: experiment.key, state: experiment.state, reasons });
    const onlyCapacity =
      reasons.length > 0 && reasons.every((reason) => CAPACITY_REASON_KINDS.has(reason.kind));
    if (experiment.state === 'queued' && onlyCapacity) {
      reserve(reservedLayer, experiment.layer, first.percent, experiment.key);
      reserveOne(reservedGlobal, experiment.key);
      reserve(reservedService, experiment.service, 1, experiment.key);
      reserve(reservedTeam, experiment.team, 1, experiment.key);
    }
  }

  return { starts, ramps, completions, blocked, held };
}

const NO_KEYS: readonly string[] = [];

/**
 * The active experiments that exclude `experiment` or that it excludes, each once, sorted (by
 * UTF-16 code units, as Array#sort does).
 */
function activePartners(
  experiment: SchedulerExperiment,
  activeKeys: ReadonlySet<string>,
  excludedByActive: ReadonlyMap<string, readonly string[]>,
): readonly string[] {
  let active: string[] | null = null;
  for (const key of experiment.excludes) {
    if (activeKeys.has(key) && !active?.includes(key)) (active ??= []).push(key);
  }
  for (const key of excludedByActive.get(experiment.key) ?? NO_KEYS) {
    if (!active?.includes(key)) (active ??= []).push(key);
  }
  return active === null ? NO_KEYS : active.sort();
}

function increment(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

function reserve(map: Map<string, Reservation>, key: string, amount: number, by: string): void {
  const existing = map.get(key);
  if (existing) existing.amount += amount;
  else map.set(key, { amount, firstKey: by });
}

function reserveOne(reservation: Reservation, by: string): void {
  reservation.amount += 1;
  reservation.firstKey ??= by;
}

function layerReason(
  layer: string,
  freePercent: number,
  neededPercent: number,
  reservedFor: string | null,
): BlockedReason {
  const free = formatPercent(Math.max(0, freePercent));
  const message = reservedFor
    ? `layer ${layer} capacity is held for higher-priority ${reservedFor} (${free} left, needs ${formatPercent(neededPercent)})`
    : `layer ${layer} has ${free} free, needs ${formatPercent(neededPercent)}`;
  return {
    kind: 'layer_capacity',
    layer,
    freePercent: Math.max(0, freePercent),
    neededPercent,
    reservedFor,
    message,
  };
}

function requiresReason(key: string, prerequisite: SchedulerExperiment | undefined): BlockedReason {
  if (!prerequisite) {
    return {
      kind: 'requires',
      key,
      state: 'missing',
      stageIndex: null,
      stageCount: 0,
      message: `requires ${key} (missing)`,
    };
  }
  const { state, stageIndex, stages } = prerequisite;
  let detail: string = state;
  if (state === 'running' || state === 'paused')
    detail = `${state}, stage ${stageIndex + 1}/${stages.length}`;
  else if (state === 'rolled_back' || state === 'aborted')
    detail = `${state}: it can never complete`;
  return {
    kind: 'requires',
    key,
    state,
    stageIndex: stageIndex >= 0 ? stageIndex : null,
    stageCount: stages.length,
    message: `requires ${key} (${detail})`,
  };
}

type ConcurrencyReason = Extract<BlockedReason, { kind: 'concurrency' }>;

/** Adds the concurrency reason for one cap (global, a service's or a team's) when it is reached. */
function checkConcurrency(
  reasons: BlockedReason[],
  memo: ReasonMemo,
  scope: 'global' | 'service' | 'team',
  name: string | null,
  limit: number | null | undefined,
  active: number,
  reservation: Reservation | undefined,
): void {
  if (limit === null || limit === undefined) return;
  const reserved = reservation?.amount ?? 0;
  if (active + reserved < limit) return;
  const reservedFor = active < limit ? (reservation?.firstKey ?? null) : null;
  const previous = memo.lastConcurrency(scope, name);
  if (
    previous &&
    previous.limit === limit &&
    previous.active === active &&
    previous.reservedFor === reservedFor
  ) {
    reasons.push(previous);
    return;
  }
  const label = scope === 'global' ? 'global concurrency cap' : `${scope} ${name} concurrency cap`;
  const message = reservedFor
    ? `${label} (${limit}): the last slot is held for higher-priority ${reservedFor}`
    : `${label} reached (${active}/${limit} active)`;
  const reason: ConcurrencyReason = {
    kind: 'concurrency',
    scope,
    name,
    limit,
    active,
    reservedFor,
    message,
  };
  memo.rememberConcurrency(scope, name, reason);
  reasons.push(reason);
}

/**
 * Reasons of one decision that only depend on what the snapshot holds, built once each: a
 * prerequisite's or predecessor's state does not change while decide() runs, and a cap's reason
 * only changes when its counts do (the last one per cap is kept).
 */
class ReasonMemo {
  private pending: BlockedReason | null = null;
  private firstStage: BlockedReason | null = null;
  private readonly requiresByKey = new Map<string, BlockedReason>();
  private readonly afterByKey = new Map<string, BlockedReason>();
  private globalCap: ConcurrencyReason | null = null;
  private readonly serviceCaps = new Map<string | null, ConcurrencyReason>();
  private readonly teamCaps = new Map<string | null, ConcurrencyReason>();

  awaitingApproval(): BlockedReason {
    return (this.pending ??= {
      kind: 'awaiting_approval',
      stageIndex: null,
      message: 'awaiting approval',
    });
  }

  awaitingFirstStageApproval(): BlockedReason {
    return (this.firstStage ??= {
      kind: 'awaiting_approval',
      stageIndex: 0,
      message: 'awaiting approval to start stage 1',
    });
  }

  requires(key: string, prerequisite: SchedulerExperiment | undefined): BlockedReason {
    let reason = this.requiresByKey.get(key);
    if (!reason) {
      reason = requiresReason(key, prerequisite);
      this.requiresByKey.set(key, reason);
    }
    return reason;
  }

  after(key: string, predecessor: SchedulerExperiment | undefined): BlockedReason {
    let reason = this.afterByKey.get(key);
    if (!reason) {
      const state = predecessor?.state ?? 'missing';
      reason = { kind: 'after', key, state, message: `after ${key} (${state})` };
      this.afterByKey.set(key, reason);
    }
    return reason;
  }

  lastConcurrency(
    scope: 'global' | 'service' | 'team',
    name: string | null,
  ): ConcurrencyReason | undefined {
    if (scope === 'global') return this.globalCap ?? undefined;
    return (scope === 'service' ? this.serviceCaps : this.teamCaps).get(name);
  }

  rememberConcurrency(
    scope: 'global' | 'service' | 'team',
    name: string | null,
    reason: ConcurrencyReason,
  ): void {
    if (scope === 'global') this.globalCap = reason;
    else (scope === 'service' ? this.serviceCaps : this.teamCaps).set(name, reason);
  }
}

/** Freeze and error-budget gates, shared by starts and ramps; memoised per service within a tick. */
class SharedGates {
  private readonly cache = new Map<string, BlockedReason[]>();

  constructor(
    private readonly policy: SchedulerPolicy,
    private readonly nowMs: number,
  ) {}

  freezeAndBudget(service: string): BlockedReason[] {
    let reasons = this.cache.get(service);
    if (!reasons) {
      reasons = [...this.freezeReasons(service), ...this.budgetReasons(service)];
      this.cache.set(service, reasons);
    }
    return reasons;
  }

  private freezeReasons(service: string): BlockedReason[] {
    const reasons: BlockedReason[] = [];
    for (const freeze of this.policy.freezes) {
      if (freeze.service !== null && freeze.service !== service) continue;
      if (this.nowMs < freeze.startsAtMs || this.nowMs >= freeze.endsAtMs) continue;
      const scope =
        freeze.service === null ? 'freeze window' : `freeze window on ${freeze.service}`;
      reasons.push({
        kind: 'freeze',
        service: freeze.service,
        untilMs: freeze.endsAtMs,
        reason: freeze.reason,
        message: `${scope} until ${formatInstant(freeze.endsAtMs, this.nowMs)} (${freeze.reason})`,
      });
    }
    return reasons;
  }

  private budgetReasons(service: string): BlockedReason[] {
    const budget = this.policy.budgets[service];
    if (!budget) return [];
    const reasons: BlockedReason[] = [];
    const minimum = this.policy.minBudgetRemainingFraction;
    const breaches = budgetGateBreaches(budget, {
      minRemainingFraction: minimum,
      maxBurnRate: this.policy.maxBurnRate,
    });
    if (breaches.remainingTooLow) {
      reasons.push({
        kind: 'error_budget',
        service,
        remainingFraction: budget.remainingFraction,
        minimumFraction: minimum,
        message: `error budget of ${service} at ${formatPercent(round1(budget.remainingFraction * 100))} (policy minimum ${formatPercent(round1(minimum * 100))})`,
      });
    }
    if (breaches.burningTooFast) {
      reasons.push({
        kind: 'burn_rate',
        service,
        burnRate: budget.burnRate,
        maximumBurnRate: this.policy.maxBurnRate,
        message: `error budget of ${service} burning at ${round1(budget.burnRate)}x (policy maximum ${this.policy.maxBurnRate}x)`,
      });
    }
    return reasons;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** For ramps: the first paused experiment a running one requires, directly or transitively. */
function pausedPrerequisiteFinder(
  byKey: ReadonlyMap<string, SchedulerExperiment>,
): (key: string) => string | null {
  const memo = new Map<string, string | null>();
  const find = (key: string, visiting: Set<string>): string | null => {
    if (memo.has(key)) return memo.get(key)!;
    if (visiting.has(key)) return null;
    visiting.add(key);
    let found: string | null = null;
    for (const prerequisite of byKey.get(key)?.requires ?? []) {
      if (byKey.get(prerequisite)?.state === 'paused') found = prerequisite;
      else found = find(prerequisite, visiting);
      if (found) break;
    }
    memo.set(key, found);
    return found;
  };
  return (key) => find(key, new Set());
}
