import type { ExperimentView } from '../../../shared/src/api-types';
import { GUARDRAIL_ACTOR } from '../guardrails/guardrail-service';
import type { Runway } from '../runway';
import { DEMO_READER, resolveCrew, type Crew } from './demo-crew';
import { countDataPoints, otlpMetricsBody, type ArmPoints, type ServiceExport } from './demo-otlp';
import {
  oldestRelevantStartMs,
  planScenarios,
  treatmentCondition,
  type ExperimentStart,
  type Scenario,
  type ScenarioPlan,
  type TreatmentCondition,
} from './demo-scenarios';
import { DEMO_FLEET } from './demo-seed';
import {
  armShare,
  DEFAULT_TRAFFIC,
  experimentTraits,
  sampleArm,
  SERVICE_TRAFFIC,
} from './demo-traffic-model';

// The demo's apps: every step, each running or paused experiment's treatment and control send
// what they measured since the last step to Runway's own POST /v1/metrics, over loopback with
// the admin token, exactly as an application's OpenTelemetry exporter would. The guardrail
// engine judges the demo on that telemetry like on any other.

type Random = () => number;
type JsonObject = Record<string, unknown>;

/** What a step covers when there was no step before it (the simulation's interval). */
const FIRST_STEP_MS = 5_000;
/** After a stall (a sleeping laptop) a step covers at most this much, not one huge burst. */
const MAX_STEP_MS = 30_000;
const START_ROWS_READ = 500;
const SEND_TIMEOUT_MS = 10_000;

export interface SendOutcome {
  /** Every data point accepted. */
  readonly ok: boolean;
  readonly rejected: number;
  /** Why not, when not ok. */
  readonly problem: string | null;
}

export type TrafficSender = (body: JsonObject) => Promise<SendOutcome>;

/** POSTs OTLP/HTTP JSON to `url`/v1/metrics with a bearer token. Never throws. */
export function httpTrafficSender(target: { url: string; token: string }): TrafficSender {
  const endpoint = `${target.url.replace(/\/$/, '')}/v1/metrics`;
  return async (body) => {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${target.token}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      const text = await response.text();
      const parsed = parseJson(text);
      if (!response.ok) {
        const message = typeof parsed?.message === 'string' ? parsed.message : text.slice(0, 200);
        return { ok: false, rejected: 0, problem: `HTTP ${response.status}: ${message}` };
      }
      const partial = parsed?.partialSuccess as
        { rejectedDataPoints?: string; errorMessage?: string } | undefined;
      const rejected = Number(partial?.rejectedDataPoints ?? 0);
      if (rejected > 0 || partial?.errorMessage) {
        return { ok: false, rejected, problem: partial?.errorMessage ?? `${rejected} rejected` };
      }
      return { ok: true, rejected: 0, problem: null };
    } catch (error) {
      return { ok: false, rejected: 0, problem: (error as Error).message };
    }
  };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What one step sent, for tests and logs. */
export interface TrafficStep {
  readonly fromMs: number;
  readonly toMs: number;
  readonly exports: readonly ServiceExport[];
  /** Treatment condition of every experiment sent for (or silenced), by key. */
  readonly conditions: ReadonlyMap<string, TreatmentCondition['kind']>;
  readonly scenarios: readonly ScenarioPlan[];
  readonly points: number;
  readonly rejected: number;
  /** Problems of the requests that were not accepted whole. */
  readonly problems: readonly string[];
}

export interface DemoTrafficOptions {
  random?: Random;
  /** Where the first failure to send (and the recovery) is reported (default console.error). */
  log?: (line: string) => void;
}

/** The seeded fleet's designated misbehavers, from the fleet definition. */
const DESIGNATED: ReadonlyMap<string, Scenario> = new Map(
  DEMO_FLEET.flatMap((experiment) =>
    experiment.scenario ? [[experiment.key, experiment.scenario] as const] : [],
  ),
);

export class DemoTraffic {
  private lastStepMs: number | null = null;
  private failing = false;
  private readonly random: Random;
  private readonly log: (line: string) => void;
  /** Per key: see turnStageCount. Specs and authors never change. */
  private readonly stageCounts = new Map<string, number | null>();

  constructor(
    private readonly runway: Runway,
    private readonly send: TrafficSender,
    options: DemoTrafficOptions = {},
  ) {
    this.random = options.random ?? Math.random;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Builds and sends one step of telemetry ending at `nowMs`. Never throws for a failed send. */
  async step(nowMs: number = this.runway.clock.now()): Promise<TrafficStep> {
    const built = this.build(nowMs);
    const outcomes = await Promise.all(
      built.exports.map((serviceExport) => this.send(otlpMetricsBody(serviceExport))),
    );
    const problems = outcomes.flatMap((outcome) => (outcome.problem ? [outcome.problem] : []));
    const rejected = outcomes.reduce((total, outcome) => total + outcome.rejected, 0);
    this.report(problems);
    return { ...built, rejected, problems };
  }

  /** The step's exports without sending them (the window still moves on). */
  build(nowMs: number): Omit<TrafficStep, 'rejected' | 'problems'> {
    const fromMs = Math.max(this.lastStepMs ?? nowMs - FIRST_STEP_MS, nowMs - MAX_STEP_MS);
    this.lastStepMs = Math.max(nowMs, this.lastStepMs ?? nowMs);
    const crew = resolveCrew(this.runway, { create: false });
    // Only a database seeded as a demo gets simulated telemetry: never someone's real experiments.
    if (!crew || nowMs <= fromMs) {
      return { fromMs, toMs: nowMs, exports: [], conditions: new Map(), scenarios: [], points: 0 };
    }
    const scenarios = this.scenarios(crew, nowMs);
    const planByKey = new Map(scenarios.map((plan) => [plan.key, plan]));
    const seconds = (nowMs - fromMs) / 1_000;
    const byService = new Map<string, ArmPoints[]>();
    const conditions = new Map<string, TreatmentCondition['kind']>();
    const active = this.runway.experiments.list({ states: ['running', 'paused'] }, DEMO_READER);
    for (const view of active) {
      if (view.guardrails.length === 0 || view.exposurePercent <= 0) continue;
      const condition = this.condition(view, planByKey.get(view.key), nowMs);
      conditions.set(view.key, condition.kind);
      const arms = byService.get(view.service) ?? [];
      arms.push(...this.arms(view, condition, seconds));
      byService.set(view.service, arms);
    }
    const exports = [...byService]
      .filter(([, arms]) => arms.length > 0)
      .map(([service, arms]) => ({ service, arms, fromMs, toMs: nowMs }));
    const points = exports.reduce((total, entry) => total + countDataPoints(entry), 0);
    return { fromMs, toMs: nowMs, exports, conditions, scenarios, points };
  }

  private arms(view: ExperimentView, condition: TreatmentCondition, seconds: number): ArmPoints[] {
    const profile = SERVICE_TRAFFIC[view.service] ?? DEFAULT_TRAFFIC;
    const traits = experimentTraits(view.key);
    const withSessions = view.guardrails.some((guardrail) => guardrail.sli === 'conversion');
    const arm = (variant: 'treatment' | 'control'): ArmPoints => ({
      experiment: view.key,
      variant,
      withSessions,
      sample: sampleArm(
        profile,
        variant === 'control'
          ? { kind: 'control' }
          : condition.kind === 'failing'
            ? { kind: 'failing', traits, errorRate: condition.errorRate }
            : { kind: 'healthy', traits },
        armShare(variant, view.exposurePercent),
        seconds,
        this.random,
      ),
    });
    return condition.kind === 'silent' ? [arm('control')] : [arm('treatment'), arm('control')];
  }

  private condition(
    view: ExperimentView,
    plan: ScenarioPlan | undefined,
    nowMs: number,
  ): TreatmentCondition {
    if (!plan) return { kind: 'healthy' };
    const profile = SERVICE_TRAFFIC[view.service] ?? DEFAULT_TRAFFIC;
    const healthyErrorRate = profile.errorRate * experimentTraits(view.key).errorFactor;
    const pausedByGuardrails =
      plan.scenario === 'goes_silent' &&
      nowMs >= plan.onsetMs &&
      this.runway.experimentStore
        .history(view.key)
        .some(
          (entry) =>
            entry.event === 'pause' &&
            entry.actor === GUARDRAIL_ACTOR.name &&
            entry.at >= plan.onsetMs,
        );
    return treatmentCondition(plan, nowMs, healthyErrorRate, pausedByGuardrails);
  }

  private scenarios(crew: Crew, nowMs: number): ScenarioPlan[] {
    const oldestMs = oldestRelevantStartMs(nowMs);
    const starts: ExperimentStart[] = [];
    for (const row of this.runway.audit.list({
      action: 'experiment.start',
      limit: START_ROWS_READ,
    })) {
      if (row.at < oldestMs) break; // newest first
      const stageCount = row.experimentKey ? this.turnStageCount(crew, row.experimentKey) : null;
      if (row.experimentKey && stageCount !== null)
        starts.push({ key: row.experimentKey, atMs: row.at, stageCount });
    }
    const seeded = DEMO_FLEET[0] ? this.runway.experimentStore.get(DEMO_FLEET[0].key) : null;
    return planScenarios({
      seedAtMs: seeded?.createdAt ?? null,
      nowMs,
      starts,
      designated: DESIGNATED,
    });
  }

  /** Its stage count when it is authored by the crew and guarded (it may take a turn), else null. */
  private turnStageCount(crew: Crew, key: string): number | null {
    if (this.stageCounts.has(key)) return this.stageCounts.get(key)!;
    const row = this.runway.experimentStore.get(key);
    const spec = row
      ? (JSON.parse(row.specJson) as { guardrails?: unknown[]; stages?: unknown[] })
      : null;
    const stageCount =
      row && spec && crew.isCrew(row.authorName) && (spec.guardrails?.length ?? 0) > 0
        ? (spec.stages?.length ?? 0)
        : null;
    this.stageCounts.set(key, stageCount);
    return stageCount;
  }

  /** Logs the first failure and the recovery, not every failing step. */
  private report(problems: readonly string[]): void {
    const problem = problems[0];
    if (problem !== undefined && !this.failing) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      this.log(
        `runway demo: sending simulated telemetry to /v1/metrics failed: ${problem}${more}; ` +
          'not repeated until it works again',
      );
    } else if (problem === undefined && this.failing) {
      this.log('runway demo: sending simulated telemetry works again');
    }
    this.failing = problem !== undefined;
  }
}
