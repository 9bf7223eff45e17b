import type { ExperimentView } from '../../../shared/src/api-types';
import type { ExperimentRow } from '../experiments/experiment-store';
import { GUARDRAIL_ACTOR } from '../guardrails/guardrail-service';
import type { Runway } from '../runway';
import { DEMO_READER, resolveCrew, type Crew } from './demo-crew';
import { countDataPoints, otlpMetricsBody, type ArmPoints, type ServiceExport } from './demo-otlp';
import {
  oldestRelevantEventMs,
  planScenarios,
  treatmentCondition,
  type ExperimentEvent,
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
const EVENT_ROWS_READ = 500;
/** Completed experiments keep sending a step beyond their bake, so its last look has data. */
const BAKE_MARGIN_MS = 10_000;
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

interface RecentEvent {
  readonly key: string;
  readonly atMs: number;
}

type TurnTraits = Pick<ExperimentEvent, 'stageCount' | 'required'>;

/** An experiment that sends telemetry this step, and the share of the layer each arm sees. */
interface Watched {
  readonly view: ExperimentView;
  readonly shares: { readonly treatment: number; readonly control: number | null };
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
  /** Per key, once it has ended: see turnTraits. */
  private readonly turnTraitsByKey = new Map<string, TurnTraits | null>();

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
    const starts = this.events('experiment.start', nowMs);
    const completions = this.events('experiment.complete', nowMs);
    const scenarios = this.scenarios(crew, nowMs, starts, completions);
    const planByKey = new Map(scenarios.map((plan) => [plan.key, plan]));
    const seconds = (nowMs - fromMs) / 1_000;
    const byService = new Map<string, ArmPoints[]>();
    const conditions = new Map<string, TreatmentCondition['kind']>();
    for (const { view, shares } of this.watched(nowMs, completions)) {
      const condition = this.condition(view, planByKey.get(view.key), nowMs);
      conditions.set(view.key, condition.kind);
      const arms = byService.get(view.service) ?? [];
      arms.push(...this.arms(view, shares, condition, seconds));
      byService.set(view.service, arms);
    }
    const exports = [...byService]
      .filter(([, arms]) => arms.length > 0)
      .map(([service, arms]) => ({ service, arms, fromMs, toMs: nowMs }));
    const points = exports.reduce((total, entry) => total + countDataPoints(entry), 0);
    return { fromMs, toMs: nowMs, exports, conditions, scenarios, points };
  }

  /**
   * Who sends: running and paused experiments (paused keeps its exposure) at their exposure,
   * with control on the rest of the layer; and completed ones for as long as the engine bakes
   * them (their longest guardrail window), treatment only, since completed serves everyone.
   */
  private watched(nowMs: number, completions: readonly RecentEvent[]): Watched[] {
    const watched: Watched[] = [];
    for (const view of this.runway.experiments.list(
      { states: ['running', 'paused'] },
      DEMO_READER,
    )) {
      if (view.guardrails.length === 0 || view.exposurePercent <= 0) continue;
      watched.push({
        view,
        shares: {
          treatment: armShare('treatment', view.exposurePercent),
          control: armShare('control', view.exposurePercent),
        },
      });
    }
    for (const completion of completions) {
      const view = this.runway.experiments.get(completion.key, DEMO_READER);
      if (view.state !== 'completed' || view.guardrails.length === 0) continue;
      const bakeMs = Math.max(...view.guardrails.map((guardrail) => guardrail.windowMs));
      if (nowMs - view.stateChangedAtMs > bakeMs + BAKE_MARGIN_MS) continue;
      watched.push({ view, shares: { treatment: 1, control: null } });
    }
    return [...watched, ...this.keepAlive(watched)];
  }

  /**
   * A service whose experiments have all ended still serves traffic, and its apps still tag it
   * with the flags they evaluate: the last experiment that ran there reports its arm for the
   * whole layer (treatment if it completed, control if it was rolled back). Without that, a
   * service whose error budget an incident overspent would send nothing more, its measured
   * budget would never recover, and the budget gate would hold it for the telemetry retention.
   */
  private keepAlive(watched: readonly Watched[]): Watched[] {
    const covered = new Set(watched.map((entry) => entry.view.service));
    const extra: Watched[] = [];
    for (const service of Object.keys(SERVICE_TRAFFIC)) {
      if (covered.has(service)) continue;
      let last: ExperimentRow | null = null;
      for (const row of this.runway.experimentStore.list({
        service,
        states: ['completed', 'rolled_back'],
      })) {
        if (!last || row.stateChangedAt > last.stateChangedAt) last = row;
      }
      if (!last) continue;
      const view = this.runway.experiments.get(last.key, DEMO_READER);
      extra.push({
        view,
        shares:
          view.state === 'completed'
            ? { treatment: 1, control: null }
            : { treatment: 0, control: 1 },
      });
    }
    return extra;
  }

  private arms(
    view: ExperimentView,
    shares: Watched['shares'],
    condition: TreatmentCondition,
    seconds: number,
  ): ArmPoints[] {
    const profile = SERVICE_TRAFFIC[view.service] ?? DEFAULT_TRAFFIC;
    const traits = experimentTraits(view.key);
    const withSessions = view.guardrails.some((guardrail) => guardrail.sli === 'conversion');
    const arm = (variant: 'treatment' | 'control', share: number): ArmPoints => ({
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
        share,
        seconds,
        this.random,
      ),
    });
    return [
      ...(condition.kind === 'silent' || shares.treatment <= 0
        ? []
        : [arm('treatment', shares.treatment)]),
      ...(shares.control === null ? [] : [arm('control', shares.control)]),
    ];
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

  /** Starts or completions recent enough for a turn or a bake, newest first. */
  private events(action: string, nowMs: number): RecentEvent[] {
    const oldestMs = oldestRelevantEventMs(nowMs);
    const events: RecentEvent[] = [];
    for (const row of this.runway.audit.list({ action, limit: EVENT_ROWS_READ })) {
      if (row.at < oldestMs) break; // newest first
      if (row.experimentKey) events.push({ key: row.experimentKey, atMs: row.at });
    }
    return events;
  }

  private scenarios(
    crew: Crew,
    nowMs: number,
    starts: readonly RecentEvent[],
    completions: readonly RecentEvent[],
  ): ScenarioPlan[] {
    const eligible = (events: readonly RecentEvent[]): ExperimentEvent[] =>
      events.flatMap((event) => {
        const traits = this.turnTraits(crew, event.key);
        return traits ? [{ ...event, ...traits }] : [];
      });
    const seeded = DEMO_FLEET[0] ? this.runway.experimentStore.get(DEMO_FLEET[0].key) : null;
    return planScenarios({
      seedAtMs: seeded?.createdAt ?? null,
      nowMs,
      starts: eligible(starts),
      completions: eligible(completions),
      designated: DESIGNATED,
    });
  }

  /**
   * What a turn needs to know of a fleet experiment with guardrails; null for any other. Specs
   * and authors never change, and nothing can come to require an experiment once it has ended
   * (the demo crew only builds on open work), so the answer is kept.
   */
  private turnTraits(crew: Crew, key: string): TurnTraits | null {
    if (this.turnTraitsByKey.has(key)) return this.turnTraitsByKey.get(key)!;
    const row = this.runway.experimentStore.get(key);
    const spec = row
      ? (JSON.parse(row.specJson) as { guardrails?: unknown[]; stages?: unknown[] })
      : null;
    const traits =
      row && spec && crew.isCrew(row.authorName) && (spec.guardrails?.length ?? 0) > 0
        ? {
            stageCount: spec.stages?.length ?? 0,
            required: this.runway.experimentStore.directDependents(key).length > 0,
          }
        : null;
    // Until it has ended, a new experiment may still come to require it.
    if (
      row &&
      (row.state === 'completed' || row.state === 'rolled_back' || row.state === 'aborted')
    )
      this.turnTraitsByKey.set(key, traits);
    return traits;
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
