import type { FlagChangeEvent } from '../../../shared/src/api-types';
import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import { growAllocation, percentOfBuckets } from '../../../shared/src/flags/allocation';
import type { FlagEvaluation } from '../../../shared/src/flags/evaluate-flag';
import { evaluateFlag } from '../../../shared/src/flags/evaluate-flag';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import { requireRole } from '../auth/auth-service';
import type { FlagAllocations } from '../experiments/experiment-service';
import { flagChangeOf, mayChangeFlag, type FlagChangeSource } from './flag-changes';
import type { FlagStore } from './flag-store';

export interface BackfillResult {
  /** Experiments given the allocation of their current stage. */
  grown: string[];
  /** Experiments whose layer had no room: they still serve control until released or resized. */
  skipped: string[];
}

export type FlagEvaluationWithLayer = FlagEvaluation & { layer: string };

/**
 * Each experiment as a feature flag (DESIGN §5): keeps the layer's bucket allocations in step
 * with the lifecycle (called by ExperimentService inside its transitions' transaction) and
 * evaluates flags for a unit with the pure evaluateFlag.
 */
export class FlagService implements FlagAllocations {
  constructor(private readonly store: FlagStore) {}

  // ---- allocations (inside the caller's transaction) ---------------------------------------

  /** Grows `key`'s allocation to `percent` of its layer; refuses with GATE_BLOCKED when full. */
  grow(key: string, percent: number, at: number): void {
    const layer = this.store.layerOf(key);
    if (layer === null) throw new RunwayError('NOT_FOUND', `no experiment "${key}"`);
    const result = growAllocation(this.store.layerAllocations(layer), key, percent);
    if (result.ok) {
      this.store.putAllocation(key, layer, result.allocation, at);
      return;
    }
    const { error } = result;
    if (error.code === 'WOULD_SHRINK') {
      // Stages only increase (spec validation), so this is a broken invariant, not bad input.
      throw new Error(`flag allocation of ${key}: ${error.message}`);
    }
    const reason: BlockedReason = {
      kind: 'layer_capacity',
      layer,
      freePercent: percentOfBuckets(error.freeBuckets),
      neededPercent: percentOfBuckets(error.neededBuckets),
      reservedFor: null,
      message: `layer ${layer} is full: ${key} ${error.message}`,
    };
    throw new RunwayError('GATE_BLOCKED', `cannot ramp ${key} to ${percent}%: ${reason.message}`, {
      details: { blockedReasons: [reason] },
    });
  }

  /** Frees `key`'s buckets: rolled back, aborted and completed serve every unit the same. */
  release(key: string): void {
    this.store.deleteAllocation(key);
  }

  /**
   * Experiments that were running or paused before flag_allocations existed (migration 3) hold
   * no buckets, so they serve control to every unit. Grows each to its current exposure, oldest
   * first; a layer without room is reported and skipped. Idempotent: run inside a transaction.
   */
  backfillAllocations(at: number): BackfillResult {
    const result: BackfillResult = { grown: [], skipped: [] };
    for (const experiment of this.store.unallocatedActive()) {
      try {
        this.grow(experiment.key, experiment.exposurePercent, at);
        result.grown.push(experiment.key);
      } catch (error) {
        if (!(error instanceof RunwayError) || error.code !== 'GATE_BLOCKED') throw error;
        console.warn(`runway: no flag allocation for ${experiment.key}: ${error.message}`);
        result.skipped.push(experiment.key);
      }
    }
    return result;
  }

  // ---- changes -----------------------------------------------------------------------------

  /**
   * Flag changes committed after audit seq `afterSeq`, oldest first (a reconnecting client's
   * replay), read from the audit log a page at a time.
   */
  *changesSince(afterSeq: number, actor: Actor, pageSize = 500): Generator<FlagChangeEvent> {
    requireRole(actor, 'viewer');
    let cursor = afterSeq;
    for (;;) {
      const rows = this.store.flagChangeRowsAfter(cursor, pageSize);
      yield* this.changesOf(rows);
      if (rows.length < pageSize) return;
      cursor = rows[rows.length - 1]!.seq;
    }
  }

  /** The flag changes among committed audit rows (as the change feed publishes them). */
  changesOf(rows: readonly FlagChangeSource[]): FlagChangeEvent[] {
    const changes: FlagChangeEvent[] = [];
    for (const row of rows) {
      if (!mayChangeFlag(row) || row.experimentKey === null) continue;
      const change = flagChangeOf(row, this.store.versionAt(row.experimentKey, row.seq));
      if (change) changes.push(change);
    }
    return changes;
  }

  // ---- evaluation --------------------------------------------------------------------------

  /** null when there is no experiment (flag) with this key. */
  evaluate(
    key: string,
    targetingKey: string | undefined,
    actor: Actor,
  ): FlagEvaluationWithLayer | null {
    requireRole(actor, 'viewer');
    const flag = this.store.flag(key);
    return flag ? { ...evaluateFlag(flag, targetingKey), layer: flag.layer } : null;
  }

  /** Every flag, in enqueue order. */
  evaluateAll(targetingKey: string | undefined, actor: Actor): FlagEvaluationWithLayer[] {
    requireRole(actor, 'viewer');
    return this.store
      .allFlags()
      .map((flag) => ({ ...evaluateFlag(flag, targetingKey), layer: flag.layer }));
  }
}
