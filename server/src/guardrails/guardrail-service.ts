import { RunwayError } from '../../../shared/src/errors';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import type { Actor } from '../actor';
import type { Clock } from '../clock';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { ExperimentService } from '../experiments/experiment-service';
import type { ExperimentRow, ExperimentStore } from '../experiments/experiment-store';
import type { OutboxStore } from '../outbox/outbox-store';
import type { Db } from '../store/database';
import type { HistogramAggregate } from '../telemetry/telemetry-aggregate';
import { DEFAULT_ROLLUP_WINDOW_MS, windowStart } from '../telemetry/rollup';
import type { TelemetryService } from '../telemetry/telemetry-service';
import type { Variant } from '../telemetry/metric-point';
import { evaluateGuardrail } from './evaluate-guardrail';
import { decideGuardrails, type GuardrailCheck, type GuardrailDecision } from './guardrail-decide';
import type { SliDefinition, SliDefinitionStore } from './sli-definition-store';
import type { MeanAggregate, SliAggregate } from './sli-estimates';

export const GUARDRAIL_ACTOR: Actor = { userId: null, name: 'runway:guardrails', role: 'admin' };

export interface GuardrailServiceDeps {
  readonly db: Db;
  readonly experimentStore: Pick<ExperimentStore, 'list'>;
  readonly definitions: Pick<DefinitionCache, 'get'>;
  readonly sliDefinitions: Pick<SliDefinitionStore, 'find'>;
  readonly telemetry: Pick<TelemetryService, 'aggregate' | 'lastSeen'>;
  readonly experiments: Pick<ExperimentService, 'recordGuardrailVerdict' | 'pause' | 'rollback'>;
  readonly outbox: Pick<OutboxStore, 'add'>;
  readonly clock: Clock;
  /** The telemetry rollup window, to align the stage start down to a whole window. */
  readonly rollupWindowMs?: number;
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

  evaluateRunning(nowMs: number = this.deps.clock.now()): GuardrailOutcome[] {
    const outcomes: GuardrailOutcome[] = [];
    for (const row of this.deps.experimentStore.list({ states: ['running'] })) {
      const { definition } = this.deps.definitions.get(row.key, row.specJson);
      if (definition.guardrails.length === 0 || row.stageStartedAt === null) continue;
      try {
        const outcome = this.evaluateOne(row, definition.service, definition.guardrails, nowMs);
        if (outcome) outcomes.push(outcome);
      } catch (error) {
        // One experiment's bad telemetry (e.g. a metric of the wrong type) must not stop the rest.
        console.error(`runway: guardrails of ${row.key} failed to evaluate`, error);
      }
    }
    return outcomes;
  }

  private evaluateOne(
    row: ExperimentRow,
    service: string,
    guardrails: readonly Guardrail[],
    nowMs: number,
  ): GuardrailOutcome | null {
    const stageStartedAtMs = row.stageStartedAt ?? nowMs;
    const fromMs = windowStart(
      stageStartedAtMs,
      this.deps.rollupWindowMs ?? DEFAULT_ROLLUP_WINDOW_MS,
    );
    const checks: GuardrailCheck[] = [];
    for (const guardrail of guardrails) {
      const sli = this.deps.sliDefinitions.find(service, guardrail.sli);
      if (!sli) continue; // spec validation checks the catalogue; a missing definition never passes
      const arm = (variant: Variant): SliAggregate =>
        this.armAggregate(row.key, variant, sli, fromMs, nowMs + 1);
      const evaluation = evaluateGuardrail(guardrail, arm('treatment'), arm('control'));
      this.deps.experiments.recordGuardrailVerdict(row.key, guardrail.sli, evaluation.verdict, {
        bound: evaluation.bound,
        limit: evaluation.limit,
        estimate: evaluation.estimate,
        interval: evaluation.interval,
        statistic: evaluation.statistic,
        threshold: evaluation.threshold,
        samples: evaluation.samples,
        reason: evaluation.reason,
        sinceMs: fromMs,
      });
      checks.push({ guardrail, evaluation });
    }
    const treatmentSeen = this.deps.telemetry
      .lastSeen(row.key)
      .find((seen) => seen.variant === 'treatment');
    const decision = decideGuardrails(
      {
        key: row.key,
        stageStartedAtMs,
        treatmentLastSeenMs: treatmentSeen?.receivedAtMs ?? null,
      },
      checks,
      nowMs,
    );
    if (decision.kind === 'none') return null;
    return { key: row.key, decision, applied: this.apply(row, decision, nowMs) };
  }

  private armAggregate(
    key: string,
    variant: Variant,
    sli: SliDefinition,
    fromMs: number,
    toMs: number,
  ): SliAggregate {
    const { telemetry } = this.deps;
    if (sli.kind === 'ratio') {
      const successes = telemetry.aggregate(key, variant, sli.numeratorMetric, fromMs, toMs);
      const trials = telemetry.aggregate(key, variant, sli.denominatorMetric, fromMs, toMs);
      return {
        kind: 'ratio',
        successes: successes.sum?.total ?? 0,
        trials: trials.sum?.total ?? 0,
      };
    }
    return histogramMean(
      telemetry.aggregate(key, variant, sli.valueMetric, fromMs, toMs).histogram,
    );
  }

  /** Pauses or rolls back; false when the experiment changed meanwhile (skipped). */
  private apply(row: ExperimentRow, decision: GuardrailDecision, nowMs: number): boolean {
    if (decision.kind === 'none') return false;
    const { reason, topic, payload } = describe(row.key, decision);
    try {
      this.deps.db.transaction(() => {
        if (decision.kind === 'rollback') {
          // The rollback writes its own 'page.rollback' for each experiment it takes down.
          this.deps.experiments.rollback(row.key, row.version, reason, GUARDRAIL_ACTOR);
        } else {
          this.deps.experiments.pause(row.key, row.version, reason, GUARDRAIL_ACTOR);
        }
        this.deps.outbox.add(topic, payload, nowMs, `${topic}:${row.key}:${row.version}`);
      })();
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
): { reason: string; topic: string; payload: Record<string, unknown> } {
  if (decision.reason === 'no_data') {
    return {
      reason: `guardrails: no treatment telemetry for ${decision.windowMs} ms (a whole guardrail window)`,
      topic: 'page.telemetry_lost',
      payload: { key, ...decision },
    };
  }
  const { estimate, limit, samples } = decision.evidence;
  return {
    reason:
      `guardrail ${decision.sli} failed: estimate ${formatNumber(estimate)} vs ${decision.rule} ` +
      `(${samples.treatment} treatment / ${samples.control ?? 0} control samples, bound ${limit})`,
    topic: 'page.guardrail',
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

/**
 * A histogram as a mean aggregate. Histograms carry no sum of squares, so the variance is taken
 * from the bucket midpoints (the open-ended buckets use the reported min/max, else the nearest
 * bound). This is a MEAN: the latency_p95_ms / latency_p99_ms SLIs use it until a quantile
 * estimator exists.
 */
export function histogramMean(histogram: HistogramAggregate | null): MeanAggregate {
  if (!histogram || histogram.summedCount <= 0)
    return { kind: 'mean', count: 0, sum: 0, sumSquares: 0 };
  const { explicitBounds: bounds, bucketCounts, sum, summedCount: count } = histogram;
  const mean = sum / count;
  let squaredDeviations = 0;
  let bucketed = 0;
  bucketCounts.forEach((bucketCount, index) => {
    if (bucketCount <= 0) return;
    const lower = index === 0 ? (histogram.min ?? bounds[0] ?? mean) : (bounds[index - 1] ?? mean);
    const upper =
      index === bounds.length
        ? (histogram.max ?? bounds[bounds.length - 1] ?? mean)
        : (bounds[index] ?? mean);
    squaredDeviations += bucketCount * ((lower + upper) / 2 - mean) ** 2;
    bucketed += bucketCount;
  });
  const variance = bucketed > 1 ? squaredDeviations / (bucketed - 1) : 0;
  return { kind: 'mean', count, sum, sumSquares: (count - 1) * variance + count * mean * mean };
}
