import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Risk, Stage } from '../../../shared/src/spec/spec-schema';

/** The read model the scheduler decides over: plain data, no database. */
export interface SchedulerExperiment {
  readonly key: string;
  /** Enqueue order; older first among equal priorities. */
  readonly seq: number;
  readonly version: number;
  readonly state: ExperimentState;
  readonly priority: number;
  readonly risk: Risk;
  readonly service: string;
  readonly team: string;
  readonly layer: string;
  readonly stages: readonly Stage[];
  /** -1 until started. */
  readonly stageIndex: number;
  /** Percent of the layer exposed now (0 unless running or paused). */
  readonly exposurePercent: number;
  readonly stageStartedAtMs: number | null;
  readonly notBeforeMs: number | null;
  readonly notAfterMs: number | null;
  readonly requires: readonly string[];
  readonly excludes: readonly string[];
  readonly after: readonly string[];
  /** Stage indexes a person has approved the ramp into. */
  readonly approvedStages: readonly number[];
  /** Combined guardrail verdict for the current stage; null when the experiment has no guardrails. */
  readonly guardrailVerdict: GuardrailVerdict | null;
}

export interface FreezeWindow {
  readonly id: number;
  /** null: a global freeze. */
  readonly service: string | null;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly reason: string;
}

export interface ServiceBudget {
  readonly service: string;
  /** Fraction of the error budget left over the SLO window, 0..1 (can go below 0 when overspent). */
  readonly remainingFraction: number;
  /** How fast the budget burns: 1 spends it exactly over the SLO window. */
  readonly burnRate: number;
}

export interface SchedulerPolicy {
  readonly maxActiveGlobal: number | null;
  readonly maxActivePerService: Readonly<Record<string, number>>;
  readonly maxActivePerTeam: Readonly<Record<string, number>>;
  readonly freezes: readonly FreezeWindow[];
  readonly budgets: Readonly<Record<string, ServiceBudget>>;
  /** Starts and ramps need at least this much budget left (0..1). */
  readonly minBudgetRemainingFraction: number;
  /** Starts and ramps need the burn rate at or below this. */
  readonly maxBurnRate: number;
}

export interface SchedulerSnapshot {
  readonly experiments: readonly SchedulerExperiment[];
  readonly policy: SchedulerPolicy;
}

export const DEFAULT_POLICY: SchedulerPolicy = {
  maxActiveGlobal: null,
  maxActivePerService: {},
  maxActivePerTeam: {},
  freezes: [],
  budgets: {},
  minBudgetRemainingFraction: 0.1,
  maxBurnRate: 2,
};
