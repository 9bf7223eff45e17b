import { createHash } from 'node:crypto';
import type {
  BlastRadiusEntry,
  EnqueueResult,
  ExperimentDetail,
  ExperimentView,
  GuardrailHealthEntry,
  TransitionResult,
} from '../../../shared/src/api-types';
import type { BlockedReason, GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import { RunwayError, type ErrorIssue } from '../../../shared/src/errors';
import {
  allowedFrom,
  canTransition,
  isLive,
  type ExperimentState,
  type TransitionAction,
} from '../../../shared/src/lifecycle';
import { checkGraph, type GraphCandidate } from '../../../shared/src/spec/spec-graph';
import { toDefinition, type ExperimentSpec } from '../../../shared/src/spec/spec-schema';
import { validateSpec } from '../../../shared/src/spec/spec-validation';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import type { Pager } from '../pages/pager';
import type { PolicyStore } from '../policy/policy-store';
import type { SchedulerDecision } from '../scheduler/decide';
import type { Db } from '../store/database';
import type { DefinitionCache } from './definition-cache';
import type {
  ExperimentListFilter,
  ExperimentRow,
  ExperimentStore,
  StatePatch,
} from './experiment-store';
import type { IdempotencyStore } from './idempotency-store';

/** The narrow read model of the scheduler that this service needs. */
export interface GateReader {
  blockedReasons(key: string): readonly BlockedReason[];
  manualAdvanceBlockers(key: string): readonly BlockedReason[];
}

/**
 * The flag side of a transition (DESIGN §5), called inside the transition's transaction: grow
 * throws (GATE_BLOCKED) when the layer has no room, which rolls the whole change back.
 */
export interface FlagAllocations {
  grow(key: string, percent: number, at: number): void;
  release(key: string): void;
}

export interface ExperimentServiceDeps {
  db: Db;
  store: ExperimentStore;
  idempotency: IdempotencyStore;
  policy: PolicyStore;
  audit: AuditStore;
  pager: Pick<Pager, 'raise'>;
  definitions: DefinitionCache;
  feed: ChangeFeed;
  gates: GateReader;
  flags: FlagAllocations;
  clock: Clock;
}

interface TransitionContext {
  rows: AuditRow[];
  changed: TransitionResult['changed'];
}

export interface RollbackOptions {
  /**
   * The keys of the blast radius the user was shown and confirmed (the console's dialog, the
   * CLI's prompt). If the cascade would now take down any experiment not among them (one started
   * on the target since), nothing changes: CASCADE_CHANGED, with the blast radius as it is now.
   * Fewer than confirmed (a dependent finished or was rolled back meanwhile) goes ahead.
   */
  expectedBlastRadius?: readonly string[];
  /**
   * Raises `key`'s page in the same transaction, in place of its rollback page: the guardrail
   * engine's evidence page, which says Runway rolled it back and lists the cascade, so the owner
   * is paged once for one event. Dependents taken down still get their own rollback pages.
   */
  targetPage?: () => void;
}

/** Refuses a rollback whose cascade now reaches past what the user confirmed. */
function requireConfirmedCascade(
  key: string,
  order: readonly BlastRadiusEntry[],
  confirmed: readonly string[],
): void {
  const known = new Set(confirmed);
  const unconfirmed = order.filter((entry) => !known.has(entry.key)).map((entry) => entry.key);
  if (unconfirmed.length === 0) return;
  throw new RunwayError(
    'CASCADE_CHANGED',
    `rolling back ${key} would now also take down ${unconfirmed.join(', ')}, which ${unconfirmed.length === 1 ? 'was' : 'were'} not in the blast radius you confirmed; nothing was rolled back: look at the blast radius again and confirm`,
    { details: { key, unconfirmed, blastRadius: order } },
  );
}

/** The experiment lifecycle of DESIGN §3: every change one transaction, version-checked, audited. */
export class ExperimentService {
  constructor(private readonly deps: ExperimentServiceDeps) {}

  // ---- reads -------------------------------------------------------------------------------

  list(filter: ExperimentListFilter, actor: Actor): ExperimentView[] {
    requireRole(actor, 'viewer');
    return this.deps.store.list(filter).map((row) => this.toView(row));
  }

  /**
   * The first `limit` matching experiments in queue order and how many match in all: for a
   * short answer about a long queue (Slack's `/runway list`), without building every view.
   */
  listFirst(
    filter: ExperimentListFilter,
    limit: number,
    actor: Actor,
  ): { total: number; views: ExperimentView[] } {
    requireRole(actor, 'viewer');
    const { store } = this.deps;
    return {
      total: store.count(filter),
      views: store.list(filter, limit).map((row) => this.toView(row)),
    };
  }

  get(key: string, actor: Actor): ExperimentDetail {
    requireRole(actor, 'viewer');
    const row = this.require(key);
    const { store } = this.deps;
    return {
      ...this.toView(row),
      spec: this.deps.definitions.get(row.key, row.specJson).spec,
      history: store.history(key).map(({ at, id: _id, ...entry }) => ({ ...entry, atMs: at })),
      approvals: store.approvals(key).map((approval) => ({
        stageIndex: approval.stageIndex,
        approver: approval.approverName,
        reason: approval.reason,
        atMs: approval.at,
      })),
      guardrailStatus: store
        .guardrailStatuses(key)
        .map(({ evaluatedAt, ...status }) => ({ ...status, evaluatedAtMs: evaluatedAt })),
      dependents: store.directDependents(key).sort(),
    };
  }

  /** Every live experiment a rollback of `key` would take down, in the order it would (dependents first). */
  blastRadius(key: string, actor: Actor): BlastRadiusEntry[] {
    requireRole(actor, 'viewer');
    return this.cascadeOrder(this.require(key));
  }

  /**
   * The guardrail health of every experiment that has a verdict at its current stage, and of every
   * active one with guardrails (no_data until evaluated): for views that show many experiments.
   */
  guardrailHealth(actor: Actor): GuardrailHealthEntry[] {
    requireRole(actor, 'viewer');
    const { store } = this.deps;
    const worst = new Map<string, GuardrailVerdict>();
    for (const row of store.list({ states: ['running', 'paused'] })) {
      if (this.definition(row).definition.guardrails.length > 0) worst.set(row.key, 'no_data');
    }
    const evaluated = new Set<string>();
    for (const { key, verdict } of store.currentStageVerdicts()) {
      const previous = evaluated.has(key) ? worst.get(key) : undefined;
      if (!previous || VERDICT_SEVERITY[verdict] > VERDICT_SEVERITY[previous])
        worst.set(key, verdict);
      evaluated.add(key);
    }
    return [...worst].map(([key, verdict]) => ({ key, verdict })).sort(byKey);
  }

  // ---- enqueue -----------------------------------------------------------------------------

  /**
   * Validates and enqueues one spec or a batch (all or nothing). With an idempotency key, a
   * repeat of the same request returns the original result; the same key with a different
   * request is refused.
   */
  enqueue(
    input: { specs: readonly unknown[]; idempotencyKey?: string; draft?: boolean },
    actor: Actor,
  ): EnqueueResult {
    requireRole(actor, 'operator');
    const { db, store, idempotency, audit, clock } = this.deps;
    if (input.specs.length === 0)
      throw new RunwayError('SPEC_INVALID', 'no spec given', {
        issues: [{ path: '', message: 'no spec given' }],
      });
    if (actor.userId === null)
      throw new RunwayError('FORBIDDEN', `${actor.name} cannot author experiments`);
    const userId = actor.userId;
    const requestHash = hashRequest(input.specs, input.draft ?? false);

    const replay = (): EnqueueResult | null => {
      if (!input.idempotencyKey) return null;
      const previous = idempotency.get(input.idempotencyKey);
      if (!previous) return null;
      if (previous.userId !== userId || previous.requestHash !== requestHash) {
        throw new RunwayError(
          'IDEMPOTENCY_MISMATCH',
          `idempotency key "${input.idempotencyKey}" was already used for a different request`,
          {
            details: { idempotencyKey: input.idempotencyKey },
          },
        );
      }
      return { ...(JSON.parse(previous.responseJson) as EnqueueResult), replayed: true };
    };

    const ctx: TransitionContext = { rows: [], changed: [] };
    const result = db.transaction((): EnqueueResult => {
      const replayed = replay();
      if (replayed) return replayed;

      const { specs, issues } = this.checkSpecs(input.specs);
      if (issues.length > 0) {
        const exists = issues.every((issue) => issue.message.includes('already exists'));
        throw new RunwayError(exists ? 'KEY_EXISTS' : 'SPEC_INVALID', summarizeIssues(issues), {
          issues,
        });
      }

      const now = clock.now();
      const enqueued: EnqueueResult['experiments'] = [];
      const stateOf = (spec: ExperimentSpec): ExperimentState =>
        input.draft ? 'draft' : spec.risk === 'high' ? 'pending_approval' : 'queued';
      // One batch insert: a spec may require one that comes later in the same request.
      store.insertBatch(
        specs.map((spec) => {
          const definition = toDefinition(spec);
          return {
            spec,
            specJson: JSON.stringify(spec),
            priority: definition.priority,
            risk: definition.risk,
            notBefore: definition.notBeforeMs,
            notAfter: definition.notAfterMs,
            state: stateOf(spec),
            authorUserId: userId,
            at: now,
          };
        }),
      );
      for (const spec of specs) {
        const state = stateOf(spec);
        store.appendHistory({
          key: spec.key,
          event: 'enqueue',
          fromState: null,
          toState: state,
          stageIndex: -1,
          exposurePercent: 0,
          at: now,
          actor: actor.name,
          reason: null,
        });
        ctx.rows.push(
          audit.append({
            at: now,
            actor: actor.name,
            action: 'experiment.enqueue',
            experimentKey: spec.key,
            toState: state,
            details: {
              spec,
              ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
            },
          }),
        );
        enqueued.push({ key: spec.key, state, version: 1 });
      }
      const response: EnqueueResult = { experiments: enqueued, replayed: false };
      if (input.idempotencyKey) {
        idempotency.put(
          input.idempotencyKey,
          { userId, requestHash, responseJson: JSON.stringify(response) },
          now,
        );
      }
      return response;
    })();
    this.deps.feed.publish(ctx.rows);
    return result;
  }

  /** Checks specs as enqueue would (schema, SLIs, keys, graph) without writing anything. */
  validate(
    rawSpecs: readonly unknown[],
    actor: Actor,
  ): { ok: boolean; issues: ErrorIssue[]; keys: string[] } {
    requireRole(actor, 'viewer');
    const { specs, issues } = this.checkSpecs(rawSpecs);
    return { ok: issues.length === 0, issues, keys: specs.map((spec) => spec.key) };
  }

  private checkSpecs(rawSpecs: readonly unknown[]): {
    specs: ExperimentSpec[];
    issues: ErrorIssue[];
  } {
    const { store, policy } = this.deps;
    const batch = rawSpecs.length > 1;
    const prefix = (index: number): string => (batch ? `[${index}].` : '');
    const issues: ErrorIssue[] = [];
    const specs: ExperimentSpec[] = [];
    rawSpecs.forEach((raw, index) => {
      const validation = validateSpec(raw, {
        isKnownSli: (service, sli) => policy.isKnownSli(service, sli),
      });
      if (validation.ok) specs.push(validation.spec);
      else
        issues.push(
          ...validation.issues.map((issue) => ({
            ...issue,
            path: `${prefix(index)}${issue.path}`,
          })),
        );
    });
    if (issues.length > 0) return { specs, issues };
    const seen = new Set<string>();
    specs.forEach((spec, index) => {
      if (seen.has(spec.key))
        issues.push({
          path: `${prefix(index)}key`,
          message: `"${spec.key}" appears twice in this request`,
        });
      else if (store.exists(spec.key))
        issues.push({
          path: `${prefix(index)}key`,
          message: `an experiment "${spec.key}" already exists (keys are never reused)`,
        });
      seen.add(spec.key);
    });
    const candidates: GraphCandidate[] = specs.map((spec, index) => ({
      node: {
        key: spec.key,
        requires: spec.requires ?? [],
        excludes: spec.excludes ?? [],
        after: spec.after ?? [],
      },
      pathPrefix: prefix(index),
    }));
    issues.push(...checkGraph(candidates, (key) => store.graphNode(key)));
    return { specs, issues };
  }

  // ---- transitions -------------------------------------------------------------------------

  submit(key: string, expectedVersion: number, actor: Actor): TransitionResult {
    requireRole(actor, 'operator');
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'submit');
      const { definition } = this.definition(row);
      const toState: ExperimentState = definition.risk === 'high' ? 'pending_approval' : 'queued';
      this.transition(ctx, row, 'submit', toState, this.samePosition(row), actor, null, null);
    });
  }

  /**
   * Approves what is waiting for approval: a high-risk experiment itself (pending_approval ->
   * queued), or the next stage that asks for one. Never by the experiment's author.
   */
  approve(key: string, expectedVersion: number, reason: string, actor: Actor): TransitionResult {
    requireRole(actor, 'release-manager');
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'approve');
      if (actor.userId === null) throw new RunwayError('FORBIDDEN', `${actor.name} cannot approve`);
      if (row.authorUserId === actor.userId) {
        throw new RunwayError(
          'SELF_APPROVAL',
          `${actor.name} enqueued ${key} and cannot approve it; ask another release manager`,
        );
      }
      const { definition } = this.definition(row);
      const now = this.deps.clock.now();
      if (row.state === 'pending_approval') {
        this.deps.store.addApproval(key, -1, actor.userId, reason, now);
        this.transition(
          ctx,
          row,
          'approve',
          'queued',
          this.samePosition(row),
          actor,
          reason,
          null,
          { approved: 'experiment' },
        );
        return;
      }
      const stageIndex = row.state === 'queued' ? 0 : row.stageIndex + 1;
      const stage = definition.stages[stageIndex];
      if (!stage?.approve) {
        throw new RunwayError(
          'INVALID_TRANSITION',
          `${key} has nothing awaiting approval (${describePosition(row, definition.stages.length)})`,
        );
      }
      if (!this.deps.store.addApproval(key, stageIndex, actor.userId, reason, now)) {
        throw new RunwayError(
          'INVALID_TRANSITION',
          `${actor.name} already approved stage ${stageIndex + 1} of ${key}`,
        );
      }
      this.transition(ctx, row, 'approve', row.state, this.samePosition(row), actor, reason, null, {
        approved: `stage ${stageIndex + 1}`,
        stageIndex,
      });
    });
  }

  /** A person ramps to the next stage now (or completes from the last), within the gates. */
  advance(
    key: string,
    expectedVersion: number,
    reason: string | null,
    actor: Actor,
  ): TransitionResult {
    requireRole(actor, 'release-manager');
    const blockers = this.peekAdvanceBlockers(key, expectedVersion);
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'advance');
      if (blockers.length > 0) {
        throw new RunwayError(
          'GATE_BLOCKED',
          `cannot advance ${key}: ${blockers.map((reason) => reason.message).join('; ')}`,
          {
            details: { blockedReasons: blockers },
          },
        );
      }
      this.rampOrComplete(ctx, row, actor, reason, null);
    });
  }

  /**
   * `alongside` runs inside the same transaction (the guardrail engine's evidence page), so the
   * change and what goes with it commit together and are published only after that commit.
   */
  pause(
    key: string,
    expectedVersion: number,
    reason: string,
    actor: Actor,
    alongside?: () => void,
  ): TransitionResult {
    requireRole(actor, 'operator');
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'pause');
      this.transition(ctx, row, 'pause', 'paused', this.samePosition(row), actor, reason, null);
      alongside?.();
    });
  }

  /** Resumes at the current stage; its hold time starts again so guardrails see fresh data. */
  resume(
    key: string,
    expectedVersion: number,
    reason: string | null,
    actor: Actor,
  ): TransitionResult {
    requireRole(actor, 'operator');
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'resume');
      const patch = { ...this.samePosition(row), stageStartedAt: this.deps.clock.now() };
      this.transition(ctx, row, 'resume', 'running', patch, actor, reason, null);
    });
  }

  /**
   * Rolls back `key` and, first, every live experiment that requires it directly or
   * transitively (dependents before prerequisites), in one transaction; each audit entry
   * names `key` as the cause. Each experiment taken down gets a rollback page; see
   * RollbackOptions for the caller's own page and for holding the cascade to what was confirmed.
   */
  rollback(
    key: string,
    expectedVersion: number,
    reason: string,
    actor: Actor,
    options: RollbackOptions = {},
  ): TransitionResult {
    requireRole(actor, 'operator');
    const { expectedBlastRadius, targetPage } = options;
    return this.mutate((ctx) => {
      const target = this.loadForChange(key, expectedVersion, 'rollback');
      const order = this.cascadeOrder(target);
      if (expectedBlastRadius) requireConfirmedCascade(key, order, expectedBlastRadius);
      for (const entry of order) {
        const row = entry.key === key ? target : this.require(entry.key);
        const cause = entry.key === key ? null : key;
        const entryReason = cause ? `cascade from ${key}: ${reason}` : reason;
        this.transition(
          ctx,
          row,
          'rollback',
          'rolled_back',
          { ...this.samePosition(row), exposurePercent: 0 },
          actor,
          entryReason,
          cause,
          {
            ...(entry.via ? { via: entry.via } : {}),
          },
        );
        this.deps.flags.release(row.key);
        if (targetPage && entry.key === key) continue;
        this.deps.pager.raise({
          kind: 'rollback',
          experimentKey: row.key,
          summary: `rolled back by ${actor.name}: ${entryReason}`,
          payload: { experimentKey: row.key, cause, reason: entryReason, actor: actor.name },
          dedupeKey: `rollback:${row.key}`,
          atMs: this.deps.clock.now(),
        });
      }
      targetPage?.();
    });
  }

  abort(key: string, expectedVersion: number, reason: string, actor: Actor): TransitionResult {
    requireRole(actor, 'release-manager');
    return this.mutate((ctx) => {
      const row = this.loadForChange(key, expectedVersion, 'abort');
      this.transition(
        ctx,
        row,
        'abort',
        'aborted',
        { ...this.samePosition(row), exposurePercent: 0 },
        actor,
        reason,
        null,
      );
      this.deps.flags.release(key);
    });
  }

  /** Applies one scheduler tick's decision in a single transaction. */
  applyDecision(decision: SchedulerDecision, actor: Actor): TransitionResult {
    return this.mutate((ctx) => {
      for (const ramp of decision.ramps)
        this.applyItem(ctx, ramp.key, () =>
          this.rampOrComplete(
            ctx,
            this.loadForChange(ramp.key, ramp.version, 'advance'),
            actor,
            null,
            ramp.toStageIndex,
          ),
        );
      for (const done of decision.completions)
        this.applyItem(ctx, done.key, () =>
          this.rampOrComplete(
            ctx,
            this.loadForChange(done.key, done.version, 'complete'),
            actor,
            null,
            null,
          ),
        );
      for (const start of decision.starts) {
        this.applyItem(ctx, start.key, () => {
          const row = this.loadForChange(start.key, start.version, 'start');
          const now = this.deps.clock.now();
          this.transition(
            ctx,
            row,
            'start',
            'running',
            { stageIndex: 0, exposurePercent: start.percent, stageStartedAt: now, at: now },
            actor,
            null,
            null,
          );
          this.deps.flags.grow(start.key, start.percent, now);
        });
      }
    });
  }

  /**
   * One scheduled start, ramp or completion, in a savepoint: if a gate refuses it at apply time
   * (the layer's buckets cannot hold it), that one is undone and skipped, and the rest of the
   * tick still applies rather than the whole scheduler stalling on it.
   */
  private applyItem(ctx: TransitionContext, key: string, body: () => void): void {
    const rows = ctx.rows.length;
    const changed = ctx.changed.length;
    try {
      this.deps.db.transaction(body)();
    } catch (error) {
      if (!(error instanceof RunwayError) || error.code !== 'GATE_BLOCKED') throw error;
      ctx.rows.length = rows;
      ctx.changed.length = changed;
      console.warn(`runway: scheduler skipped ${key}: ${error.message}`);
    }
  }

  /** Records a guardrail verdict for the current stage (the guardrail engine or the demo simulator). */
  recordGuardrailVerdict(
    key: string,
    sli: string,
    verdict: 'pass' | 'fail' | 'inconclusive' | 'no_data',
    details: Record<string, unknown>,
  ): void {
    const row = this.require(key);
    const changed = this.deps.store.setGuardrailStatus(
      key,
      sli,
      verdict,
      row.stageIndex,
      this.deps.clock.now(),
      details,
    );
    // Only a new verdict can change what the scheduler decides; unchanged ones must not wake it.
    if (changed) this.deps.feed.signal();
  }

  // ---- internals ---------------------------------------------------------------------------

  private peekAdvanceBlockers(key: string, expectedVersion: number): readonly BlockedReason[] {
    const row = this.loadForChange(key, expectedVersion, 'advance');
    return row.state === 'running' ? this.deps.gates.manualAdvanceBlockers(key) : [];
  }

  private rampOrComplete(
    ctx: TransitionContext,
    row: ExperimentRow,
    actor: Actor,
    reason: string | null,
    toStageIndex: number | null,
  ): void {
    const { stages } = this.definition(row).definition;
    const nextIndex = toStageIndex ?? row.stageIndex + 1;
    const now = this.deps.clock.now();
    const next = stages[nextIndex];
    if (!next) {
      this.transition(
        ctx,
        row,
        'complete',
        'completed',
        this.samePosition(row),
        actor,
        reason,
        null,
      );
      this.deps.flags.release(row.key);
      return;
    }
    this.transition(
      ctx,
      row,
      'advance',
      'running',
      { stageIndex: nextIndex, exposurePercent: next.percent, stageStartedAt: now, at: now },
      actor,
      reason,
      null,
      {
        fromStage: row.stageIndex + 1,
        toStage: nextIndex + 1,
        percent: next.percent,
      },
    );
    this.deps.flags.grow(row.key, next.percent, now);
  }

  private mutate(body: (ctx: TransitionContext) => void): TransitionResult {
    const ctx: TransitionContext = { rows: [], changed: [] };
    this.deps.db.transaction(() => body(ctx))();
    this.deps.feed.publish(ctx.rows);
    return { changed: ctx.changed };
  }

  private transition(
    ctx: TransitionContext,
    row: ExperimentRow,
    action: TransitionAction,
    toState: ExperimentState,
    patch: Omit<StatePatch, 'state'>,
    actor: Actor,
    reason: string | null,
    cause: string | null,
    details: Record<string, unknown> = {},
  ): void {
    const { store, audit } = this.deps;
    if (!store.updateState(row.key, row.version, { ...patch, state: toState })) {
      throw conflict(row.key, row.version, store.get(row.key));
    }
    store.appendHistory({
      key: row.key,
      event: action,
      fromState: row.state,
      toState,
      stageIndex: patch.stageIndex,
      exposurePercent: patch.exposurePercent,
      at: patch.at,
      actor: actor.name,
      reason,
    });
    ctx.rows.push(
      audit.append({
        at: patch.at,
        actor: actor.name,
        action: `experiment.${action}`,
        experimentKey: row.key,
        fromState: row.state,
        toState,
        reason,
        cause,
        details: {
          ...details,
          stage: patch.stageIndex + 1,
          exposurePercent: patch.exposurePercent,
        },
      }),
    );
    ctx.changed.push({ key: row.key, fromState: row.state, toState, version: row.version + 1 });
  }

  private samePosition(row: ExperimentRow): Omit<StatePatch, 'state'> {
    return {
      stageIndex: row.stageIndex,
      exposurePercent: row.exposurePercent,
      stageStartedAt: row.stageStartedAt,
      at: this.deps.clock.now(),
    };
  }

  private loadForChange(
    key: string,
    expectedVersion: number,
    action: TransitionAction,
  ): ExperimentRow {
    const row = this.require(key);
    if (row.version !== expectedVersion) throw conflict(key, expectedVersion, row);
    if (!canTransition(action, row.state)) {
      throw new RunwayError(
        'INVALID_TRANSITION',
        `cannot ${action} ${key}: it is ${row.state} (${action} needs ${allowedFrom(action).join(' or ')})`,
        {
          details: { state: row.state, action },
        },
      );
    }
    return row;
  }

  private require(key: string): ExperimentRow {
    const row = this.deps.store.get(key);
    if (!row) throw new RunwayError('NOT_FOUND', `no experiment "${key}"`, { details: { key } });
    return row;
  }

  private definition(row: ExperimentRow) {
    return this.deps.definitions.get(row.key, row.specJson);
  }

  /** Live dependents of `target` (transitively, through requires) then the target: dependents first. */
  private cascadeOrder(target: ExperimentRow): BlastRadiusEntry[] {
    const { store } = this.deps;
    const via = new Map<string, string>();
    const states = new Map<string, ExperimentState>([[target.key, target.state]]);
    const queue = [target.key];
    while (queue.length > 0) {
      const key = queue.shift()!;
      for (const dependent of store.directDependents(key).sort()) {
        if (states.has(dependent)) continue;
        const row = store.get(dependent);
        if (!row) continue;
        states.set(dependent, row.state);
        via.set(dependent, key);
        queue.push(dependent);
      }
    }
    const members = [...states.keys()].filter(
      (key) => key === target.key || isLive(states.get(key)!),
    );
    const memberSet = new Set(members);
    // Kahn's algorithm over "A requires B => A goes first", ties broken by key for determinism.
    const prerequisitesInSet = new Map<string, string[]>();
    const pendingDependents = new Map<string, number>(members.map((key) => [key, 0]));
    for (const key of members) {
      const node = store.graphNode(key);
      const inSet = (node?.requires ?? []).filter((prerequisite) => memberSet.has(prerequisite));
      prerequisitesInSet.set(key, inSet);
      for (const prerequisite of inSet)
        pendingDependents.set(prerequisite, (pendingDependents.get(prerequisite) ?? 0) + 1);
    }
    const ready = members.filter((key) => pendingDependents.get(key) === 0).sort();
    const order: BlastRadiusEntry[] = [];
    while (ready.length > 0) {
      const key = ready.shift()!;
      order.push({
        key,
        state: states.get(key)!,
        via: key === target.key ? null : (via.get(key) ?? null),
      });
      for (const prerequisite of prerequisitesInSet.get(key) ?? []) {
        const remaining = pendingDependents.get(prerequisite)! - 1;
        pendingDependents.set(prerequisite, remaining);
        if (remaining === 0) {
          ready.push(prerequisite);
          ready.sort();
        }
      }
    }
    return order;
  }

  private toView(row: ExperimentRow): ExperimentView {
    const { definition } = this.definition(row);
    return {
      ...definition,
      state: row.state,
      stageIndex: row.stageIndex,
      stageCount: definition.stages.length,
      exposurePercent: row.exposurePercent,
      version: row.version,
      author: row.authorName,
      seq: row.seq,
      createdAtMs: row.createdAt,
      stateChangedAtMs: row.stateChangedAt,
      stageStartedAtMs: row.stageStartedAt,
      blockedReasons: [...this.deps.gates.blockedReasons(row.key)],
    };
  }
}

/** How bad a verdict is when one experiment's guardrails disagree (as the scheduler ranks them). */
const VERDICT_SEVERITY: Record<GuardrailVerdict, number> = {
  pass: 0,
  inconclusive: 1,
  no_data: 2,
  fail: 3,
};

const byKey = (a: { key: string }, b: { key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

function conflict(
  key: string,
  expectedVersion: number,
  current: ExperimentRow | null,
): RunwayError {
  return new RunwayError(
    'VERSION_CONFLICT',
    `${key} changed since version ${expectedVersion}${current ? ` (now version ${current.version}, ${current.state})` : ''}; reload and try again`,
    {
      details: {
        key,
        expectedVersion,
        currentVersion: current?.version ?? null,
        currentState: current?.state ?? null,
      },
    },
  );
}

function describePosition(row: ExperimentRow, stageCount: number): string {
  return row.stageIndex >= 0
    ? `${row.state}, stage ${row.stageIndex + 1}/${stageCount}`
    : row.state;
}

function summarizeIssues(issues: readonly ErrorIssue[]): string {
  const first = issues[0]!;
  const head = first.path ? `${first.path}: ${first.message}` : first.message;
  return issues.length === 1
    ? head
    : `${head} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`;
}

/** Canonical hash of an enqueue request: key order in objects does not matter. */
export function hashRequest(specs: readonly unknown[], draft: boolean): string {
  return createHash('sha256').update(canonicalJson({ specs, draft })).digest('hex');
}

/**
 * A spec nests about five levels deep ({specs} > [spec] > stages > stage > field). The request is
 * hashed before it is validated, so without a bound a body of nested arrays (50,000 levels fit in
 * 1 MiB) overflowed the stack and answered 500 instead of refusing the input.
 */
const MAX_REQUEST_DEPTH = 32;

function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_REQUEST_DEPTH) {
    const message = `nested more than ${MAX_REQUEST_DEPTH} levels deep; a spec needs about five`;
    throw new RunwayError('SPEC_INVALID', `specs: ${message}`, {
      issues: [{ path: 'specs', message }],
    });
  }
  if (Array.isArray(value))
    return `[${value.map((entry) => canonicalJson(entry, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
