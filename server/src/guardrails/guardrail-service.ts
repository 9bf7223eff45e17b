import type { PageKind } from '../../../shared/src/api-types';
import { RunwayError } from '../../../shared/src/errors';
import type { ExperimentDefinition } from '../../../shared/src/spec/spec-schema';
import type { Actor } from '../actor';
import type { Clock } from '../clock';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { ExperimentService } from '../experiments/experiment-service';
import type { ExperimentRow, ExperimentStore } from '../experiments/experiment-store';
import type { Pager } from '../pages/pager';
import type { Db } from '../store/database';
import { DEFAULT_ROLLUP_WINDOW_MS, windowStart } from '../telemetry/rollup';
import type { TelemetryService } from '../telemetry/telemetry-service';
import type { Variant } from '../telemetry/metric-point';
import { evaluateGuardrail } from './evaluate-guardrail';
import { decideGuardrails, type GuardrailCheck, type GuardrailDecision } from './guardrail-decide';
import type { PolicyStore } from '../policy/policy-store';
import type { SliSource } from '../../../shared/src/api-schemas';
import type { PromqlFetch, PromqlSliSource } from './promql-sli-source';
import { armAggregate } from './sli-aggregate';
import type { SliAggregate } from './sli-estimates';

export const GUARDRAIL_ACTOR: Actor = { userId: null, name: 'runway:guardrails', role: 'admin' };

export interface GuardrailServiceDeps {
  readonly db: Db;
  readonly experimentStore: Pick<ExperimentStore, 'list'>;
  readonly definitions: Pick<DefinitionCache, 'get'>;
  readonly slis: Pick<PolicyStore, 'findSli'>;
  /** PromQL SLIs, fetched by refreshExternal ahead of evaluation. */
  readonly promql: PromqlSliSource;
  readonly telemetry: Pick<TelemetryService, 'aggregate' | 'lastSeen'>;
  readonly experiments: Pick<ExperimentService, 'recordGuardrailVerdict' | 'pause' | 'rollback'>;
  readonly pager: Pick<Pager, 'raise'>;
  readonly clock: Clock;
  /** The telemetry rollup window, to align the stage start down to a whole window. */
  readonly rollupWindowMs?: number;
}

interface Watched {
  readonly row: ExperimentRow;
  readonly definition: ExperimentDefinition;
  readonly phase: 'running' | 'baking';
  /** The fixed start of the data judged: the stage's start, or the completion. */
  readonly fromMs: number;
}

interface Judged {
  readonly row: ExperimentRow;
  readonly decision: GuardrailDecision;
  readonly recordVerdicts: () => void;
}

interface ArmReading {
  readonly aggregate: SliAggregate;
  /** Why the arm has no usable data, when it is the source's fault (said in the verdict). */
  readonly problem: string | null;
}

export interface GuardrailOutcome {
  readonly key: string;
  readonly decision: GuardrailDecision;
  /** False when the experiment changed meanwhile and the action was skipped. */
  readonly applied: boolean;
}

/**
 * The shell around evaluateGuardrail / decideGuardrails: loads each running experiment's data
 * since its current stage started (a fixed start, which the sequential test's guarantee needs;
 * not a sliding window), records every verdict, and applies the decision.
 */
export class GuardrailService {
  constructor(private readonly deps: GuardrailServiceDeps) {}

  /**
   * Evaluates every running experiment on the telemetry at hand. Synchronous, so it can run right
   * after each OTLP batch; PromQL SLIs read what the last refreshExternal fetched.
   */
  evaluateRunning(nowMs: number = this.deps.clock.now()): GuardrailOutcome[] {
    const judged: Judged[] = [];
    for (const target of this.watched(nowMs)) {
      try {
        judged.push(this.judge(target, nowMs));
      } catch (error) {
        // One experiment's bad telemetry (e.g. a metric of the wrong type) must not stop the rest.
        console.error(`runway: guardrails of ${target.row.key} failed to evaluate`, error);
      }
    }
    // Every verdict of this run in one commit (one fsync), then each action in its own.
    this.deps.db.transaction(() => {
      for (const entry of judged) entry.recordVerdicts();
    })();
    const outcomes: GuardrailOutcome[] = [];
    for (const { row, decision } of judged) {
      if (decision.kind === 'none') continue;
      outcomes.push({ key: row.key, decision, applied: this.apply(row, decision, nowMs) });
    }
    return outcomes;
  }

  /**
   * What the engine watches: running experiments, on the data since their stage started, and
   * completed ones during their bake — one longest guardrail window after completing, on the
   * data since completion — so a regression that shows only at full exposure still rolls the
   * experiment back, with the dependents that started on its completion.
   */
  private watched(nowMs: number): Watched[] {
    const watched: Watched[] = [];
    for (const row of this.deps.experimentStore.list({ states: ['running', 'completed'] })) {
      const { definition } = this.deps.definitions.get(row.key, row.specJson);
      if (definition.guardrails.length === 0) continue;
      if (row.state === 'running') {
        if (row.stageStartedAt === null) continue;
        watched.push({ row, definition, phase: 'running', fromMs: row.stageStartedAt });
        continue;
      }
      const bakeMs = Math.max(...definition.guardrails.map((guardrail) => guardrail.windowMs));
      if (nowMs - row.stateChangedAt > bakeMs) continue;
      watched.push({ row, definition, phase: 'baking', fromMs: row.stateChangedAt });
    }
    return watched;
  }

  /** Fetches the PromQL SLIs of running experiments (both arms), then evaluates everything. */
  async evaluateWithExternal(nowMs: number = this.deps.clock.now()): Promise<GuardrailOutcome[]> {
    await this.refreshExternal(nowMs);
    return this.evaluateRunning(this.deps.clock.now());
  }

  async refreshExternal(nowMs: number = this.deps.clock.now()): Promise<void> {
    const fetches: PromqlFetch[] = [];
    for (const { row, definition, fromMs } of this.watched(nowMs)) {
      for (const guardrail of definition.guardrails) {
        const source = this.deps.slis.findSli(definition.service, guardrail.sli)?.source;
        if (source?.kind !== 'promql') continue;
        for (const variant of ['treatment', 'control'] as const) {
          fetches.push({
            key: row.key,
            variant,
            sli: guardrail.sli,
            source,
            stageStartedAtMs: fromMs,
          });
        }
      }
    }
    await this.deps.promql.refresh(fetches, nowMs);
  }

  /** Evaluates one experiment's guardrails and decides; writes nothing yet. */
  private judge(target: Watched, nowMs: number): Judged {
    const { row, phase } = target;
    const { service, guardrails } = target.definition;
    const stageStartedAtMs = target.fromMs;
    const fromMs = windowStart(
      stageStartedAtMs,
      this.deps.rollupWindowMs ?? DEFAULT_ROLLUP_WINDOW_MS,
    );
    const checks: GuardrailCheck[] = [];
    const verdicts: Array<() => void> = [];
    let readsPromql = false;
    for (const guardrail of guardrails) {
      const source = this.deps.slis.findSli(service, guardrail.sli)?.source ?? null;
      readsPromql ||= source?.kind === 'promql';
      const arm = (variant: Variant): ArmReading =>
        this.readArm(row.key, variant, guardrail.sli, source, stageStartedAtMs, fromMs, nowMs);
      const treatment = arm('treatment');
      const control = arm('control');
      const evaluation = evaluateGuardrail(guardrail, treatment.aggregate, control.aggregate);
      const problem = treatment.problem ?? control.problem;
      const reason =
        problem && evaluation.verdict !== 'pass' && evaluation.verdict !== 'fail'
          ? `${evaluation.reason} (${problem})`
          : evaluation.reason;
      verdicts.push(() =>
        this.deps.experiments.recordGuardrailVerdict(row.key, guardrail.sli, evaluation.verdict, {
          bound: evaluation.bound,
          limit: evaluation.limit,
          estimate: evaluation.estimate,
          interval: evaluation.interval,
          statistic: evaluation.statistic,
          threshold: evaluation.threshold,
          samples: evaluation.samples,
          reason,
          sinceMs: fromMs,
        }),
      );
      checks.push({ guardrail, evaluation });
    }
    const otlpSeen = this.deps.telemetry
      .lastSeen(row.key)
      .find((seen) => seen.variant === 'treatment')?.receivedAtMs;
    const promqlSeen = readsPromql ? this.deps.promql.lastSeen(row.key) : null;
    const seen = [otlpSeen, promqlSeen].filter((at): at is number => typeof at === 'number');
    const decision = decideGuardrails(
      {
        key: row.key,
        phase,
        stageStartedAtMs,
        treatmentLastSeenMs: seen.length > 0 ? Math.max(...seen) : null,
      },
      checks,
      nowMs,
    );
    return { row, decision, recordVerdicts: () => verdicts.forEach((record) => record()) };
  }

  private readArm(
    key: string,
    variant: Variant,
    sli: string,
    source: SliSource | null,
    stageStartedAtMs: number,
    fromMs: number,
    nowMs: number,
  ): ArmReading {
    const { telemetry } = this.deps;
    const toMs = nowMs + 1;
    if (!source) {
      return {
        aggregate: { kind: 'ratio', successes: 0, trials: 0 },
        problem: `SLI ${sli} has no source defined; define one with policy.defineSli`,
      };
    }
    if (source.kind === 'promql') {
      return this.deps.promql.arm({ key, variant, sli, stageStartedAtMs }, nowMs);
    }
    const aggregate = armAggregate(source, (metric) =>
      telemetry.aggregate(key, variant, metric, fromMs, toMs),
    );
    return { aggregate, problem: null };
  }

  /** Pauses or rolls back; false when the experiment changed meanwhile (skipped). */
  private apply(row: ExperimentRow, decision: GuardrailDecision, nowMs: number): boolean {
    if (decision.kind === 'none') return false;
    const { reason, kind, payload } = describe(row.key, decision);
    // The evidence page commits with the change; the change is published after that commit.
    const page = (): void => {
      this.deps.pager.raise({
        kind,
        experimentKey: row.key,
        summary: reason,
        payload,
        dedupeKey: `page.${kind}:${row.key}:${row.version}`,
        atMs: nowMs,
      });
    };
    if (decision.kind === 'page') {
      page();
      return true;
    }
    try {
      if (decision.kind === 'rollback') {
        // The evidence page stands for the target's rollback page; each dependent the cascade
        // takes down still gets its own 'page.rollback' (its owner may be someone else).
        this.deps.experiments.rollback(row.key, row.version, reason, GUARDRAIL_ACTOR, {
          targetPage: page,
        });
      } else {
        this.deps.experiments.pause(row.key, row.version, reason, GUARDRAIL_ACTOR, page);
      }
      return true;
    } catch (error) {
      if (
        error instanceof RunwayError &&
        (error.code === 'VERSION_CONFLICT' || error.code === 'INVALID_TRANSITION')
      ) {
        return false;
      }
      throw error;
    }
  }
}

function describe(
  key: string,
  decision: Exclude<GuardrailDecision, { kind: 'none' }>,
): { reason: string; kind: PageKind; payload: Record<string, unknown> } {
  if (decision.reason === 'no_data') {
    return {
      reason: `guardrails: no treatment telemetry for ${decision.windowMs} ms (a whole guardrail window)`,
      kind: 'telemetry_lost',
      payload: { key, ...decision },
    };
  }
  const { estimate, limit, samples } = decision.evidence;
  return {
    reason:
      `guardrail ${decision.sli} failed: estimate ${formatNumber(estimate)} vs ${decision.rule} ` +
      `(${samples.treatment} treatment / ${samples.control ?? 0} control samples, bound ${limit})`,
    kind: 'guardrail',
    payload: {
      key,
      action: decision.kind,
      sli: decision.sli,
      rule: decision.rule,
      ...decision.evidence,
    },
  };
}

function formatNumber(value: number | null): string {
  return value === null ? 'n/a' : value.toPrecision(4);
}
