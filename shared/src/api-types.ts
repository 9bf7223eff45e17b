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

/**
 * One experiment's guardrails at its current stage, combined worst first (fail, no_data,
 * inconclusive, pass): the health the console shows beside an experiment without loading it whole.
 */
export interface GuardrailHealthEntry {
  key: string;
  verdict: GuardrailVerdict;
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

/** Which bound of a guardrail a line or a verdict belongs to. */
export type GuardrailBoundName = 'max' | 'min' | 'maxRelative' | 'minRelative';

/**
 * One point of a guardrail's SLI chart: both arms' SLI over the telemetry since the stage (or
 * resume) that `atMs` falls in began, which is what the sequential test judges.
 */
export interface SliSeriesPoint {
  atMs: number;
  stageIndex: number;
  treatment: number | null;
  control: number | null;
  treatmentSamples: number;
  controlSamples: number;
  /** Each of the series' bounds at this point in the SLI's unit (relative ones applied to control). */
  limits: Array<number | null>;
  /** The always-valid interval of the deciding bound, in the SLI's unit; null before any data. */
  band: [number, number] | null;
  verdict: GuardrailVerdict;
}

export interface SliSeries {
  sli: string;
  description: string | null;
  /** The catalogue's unit, e.g. `ratio` or `ms`. */
  unit: string | null;
  source: 'ratio' | 'quantile' | 'mean' | 'promql' | null;
  /** Why there are no points (a PromQL SLI, an SLI without a source); null when there can be. */
  unavailable: string | null;
  action: 'pause' | 'rollback';
  windowMs: number;
  bounds: Array<{ bound: GuardrailBoundName; limit: number; relative: boolean }>;
  points: SliSeriesPoint[];
  /** The guardrail engine's last verdict on this SLI, as it recorded it. */
  latest: {
    verdict: GuardrailVerdict;
    stageIndex: number;
    evaluatedAtMs: number;
    bound: GuardrailBoundName | null;
    limit: number | null;
    estimate: number | null;
    interval: [number, number] | null;
    samples: { treatment: number; control: number | null } | null;
    reason: string | null;
  } | null;
}

/** A stage start (or a resume, which restarts the stage's evidence) inside the charted range. */
export interface StageMarker {
  atMs: number;
  stageIndex: number;
  percent: number;
  event: 'start' | 'advance' | 'resume';
}

export interface SliSeriesResult {
  key: string;
  state: ExperimentState;
  stageIndex: number;
  nowMs: number;
  fromMs: number;
  toMs: number;
  /** The spacing of points: one rollup window, or a multiple when the range is long. */
  bucketMs: number;
  markers: StageMarker[];
  series: SliSeries[];
}

/**
 * Why Runway paged someone (DESIGN §5): the outbox topic `page.KIND`. `stuck`: an experiment sat
 * in a state past its limit (paused, waiting for approval, or not ramping).
 */
export type PageKind = 'guardrail' | 'telemetry_lost' | 'rollback' | 'stuck';

/**
 * A page raised by Runway for one experiment. It stays open until a person acknowledges it
 * (pages.acknowledge); the Slack bot, the console's overview and the desktop tray badge all read
 * the same rows.
 */
export interface PageView {
  id: number;
  kind: PageKind;
  experimentKey: string;
  service: string;
  team: string;
  owner: string;
  /** One line a responder understands: what failed and what Runway did about it. */
  summary: string;
  raisedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
}

/** One service's error budget as the gate sees it (null fields: nothing measured yet). */
export interface ServiceBudgetView {
  service: string;
  objective: number;
  windowMs: number;
  remainingFraction: number | null;
  burnRate: number | null;
  updatedAtMs: number | null;
  source: string | null;
  /** True when the budget policy holds this service's experiments back now. */
  blocking: boolean;
}

export interface FreezeView {
  id: number;
  /** null: every service. */
  service: string | null;
  startsAtMs: number;
  endsAtMs: number;
  reason: string;
  createdBy: string;
}

/** overview.get: the fleet at a glance. */
export interface OverviewView {
  nowMs: number;
  countsByState: Record<ExperimentState, number>;
  budgets: ServiceBudgetView[];
  budgetPolicy: { minRemainingFraction: number; maxBurnRate: number };
  /** In force now (startsAtMs <= now) first, then scheduled ones. */
  freezes: FreezeView[];
  /** The latest changes Runway made on its own (guardrails, scheduler), newest first. */
  recentAutomaticActions: Array<{
    seq: number;
    atMs: number;
    actor: string;
    action: string;
    experimentKey: string | null;
    fromState: string | null;
    toState: string | null;
    reason: string | null;
    /** Where the experiment stood after the change (1-based stage), when the entry records it. */
    stage: number | null;
    exposurePercent: number | null;
  }>;
  openPages: PageView[];
}
