import type { BlockedReason, GuardrailVerdict } from './blocked-reasons';
import type { ExperimentState } from './lifecycle';
import type { ExperimentDefinition, ExperimentSpec } from './spec/spec-schema';

/** One experiment as every client sees it: its definition, where it stands, and why it waits. */
export interface ExperimentView extends ExperimentDefinition {
  state: ExperimentState;
  /** -1 until started. */
  stageIndex: number;
  stageCount: number;
  exposurePercent: number;
  version: number;
  author: string;
  seq: number;
  createdAtMs: number;
  stateChangedAtMs: number;
  stageStartedAtMs: number | null;
  blockedReasons: BlockedReason[];
}

export interface ExperimentDetail extends ExperimentView {
  spec: ExperimentSpec;
  history: Array<{
    event: string;
    fromState: string | null;
    toState: string;
    stageIndex: number;
    exposurePercent: number;
    atMs: number;
    actor: string;
    reason: string | null;
  }>;
  approvals: Array<{ stageIndex: number; approver: string; reason: string; atMs: number }>;
  guardrailStatus: Array<{
    sli: string;
    verdict: GuardrailVerdict;
    stageIndex: number;
    evaluatedAtMs: number;
    details: Record<string, unknown>;
  }>;
  /** Experiments that list this one in requires, directly. */
  dependents: string[];
}

export interface EnqueueResult {
  experiments: Array<{ key: string; state: ExperimentState; version: number }>;
  /** True when this answer is the stored result of an earlier request with the same idempotency key. */
  replayed: boolean;
}

export interface BlastRadiusEntry {
  key: string;
  state: ExperimentState;
  /** The prerequisite through which the rollback reaches this one (null for the target itself). */
  via: string | null;
}

export interface TransitionResult {
  /** Every experiment changed, in the order changed (a cascade lists dependents first). */
  changed: Array<{
    key: string;
    fromState: ExperimentState;
    toState: ExperimentState;
    version: number;
  }>;
}

/**
 * One committed change to what a flag evaluates to (flags.changes): a start, a ramp, a pause or
 * resume, a completion, a rollback (each experiment of a cascade), an abort of a live experiment.
 */
export interface FlagChangeEvent {
  key: string;
  state: ExperimentState;
  /** Exposure now: 0 when every unit gets control, 100 when every unit gets treatment. */
  percent: number;
  /** The variant every unit gets, or null while the unit's bucket decides (running, paused). */
  variantForAll: 'control' | 'treatment' | null;
  /** The experiment's version after this change. */
  version: number;
  /** The audit seq that recorded the change: also the stream's event id. */
  seq: number;
  /** When it was committed (epoch ms). */
  at: number;
}
