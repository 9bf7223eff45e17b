import type { SliSource } from '../../../shared/src/api-schemas';
import type { SliSeries, SliSeriesResult } from '../../../shared/src/api-types';
import { RunwayError } from '../../../shared/src/errors';
import { ENDED_STATES } from '../../../shared/src/lifecycle';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import type { Actor } from '../actor';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { ExperimentRow, ExperimentStore } from '../experiments/experiment-store';
import type { PolicyStore } from '../policy/policy-store';
import type { Variant } from '../telemetry/metric-point';
import type { TelemetryService } from '../telemetry/telemetry-service';
import { armAggregate, sourceMetrics } from './sli-aggregate';
import {
  chooseSegments,
  cumulativeTelemetry,
  DEFAULT_MAX_POINTS,
  guardrailBounds,
  latestVerdict,
  planCuts,
  seriesPoints,
  type EvidenceSegment,
  type SeriesPlan,
} from './sli-series';

export interface SliSeriesServiceDeps {
  readonly experiments: Pick<ExperimentStore, 'get' | 'history' | 'guardrailStatuses'>;
  readonly definitions: Pick<DefinitionCache, 'get'>;
  readonly slis: Pick<PolicyStore, 'findSli'>;
  readonly telemetry: Pick<TelemetryService, 'rollups' | 'windowMs'>;
  readonly clock: Clock;
}

export interface SliSeriesQuery {
  readonly sinceMs?: number;
  readonly maxPoints?: number;
}

type GuardrailStatusRow = ReturnType<ExperimentStore['guardrailStatuses']>[number];

/** Events that start a stage's evidence afresh (a resume restarts the stage's clock). */
const SEGMENT_EVENTS = new Set(['start', 'advance', 'resume']);

/** Reads what the charts of an experiment's guardrails need; the shaping is in sli-series.ts. */
export class SliSeriesService {
  constructor(private readonly deps: SliSeriesServiceDeps) {}

  series(key: string, query: SliSeriesQuery, actor: Actor): SliSeriesResult {
    requireRole(actor, 'viewer');
    const row = this.deps.experiments.get(key);
    if (!row) throw new RunwayError('NOT_FOUND', `no experiment "${key}"`, { details: { key } });
    const { definition } = this.deps.definitions.get(row.key, row.specJson);
    const nowMs = this.deps.clock.now();
    // An ended experiment's chart stops where it ended; a live one runs up to now.
    const toMs = ENDED_STATES.has(row.state) ? Math.min(row.stateChangedAt, nowMs) : nowMs;
    const segments = chooseSegments(this.segments(row), query.sinceMs);
    const windowMs = this.deps.telemetry.windowMs;
    const plan = planCuts(segments, toMs, windowMs, query.maxPoints ?? DEFAULT_MAX_POINTS);
    const statuses = this.deps.experiments.guardrailStatuses(key);
    return {
      key,
      state: row.state,
      stageIndex: row.stageIndex,
      nowMs,
      fromMs: plan.cuts[0]?.segmentStartMs ?? toMs,
      toMs,
      bucketMs: plan.bucketMs,
      markers: segments,
      series: definition.guardrails.map((guardrail) => {
        const status = statuses.find((entry) => entry.sli === guardrail.sli) ?? null;
        return this.oneSeries(row, definition.service, guardrail, plan, status);
      }),
    };
  }

  private segments(row: ExperimentRow): EvidenceSegment[] {
    const { definition } = this.deps.definitions.get(row.key, row.specJson);
    return this.deps.experiments
      .history(row.key)
      .filter((entry) => SEGMENT_EVENTS.has(entry.event))
      .map((entry) => ({
        atMs: entry.at,
        stageIndex: entry.stageIndex,
        percent: entry.exposurePercent || (definition.stages[entry.stageIndex]?.percent ?? 0),
        event: entry.event as EvidenceSegment['event'],
      }))
      .sort((a, b) => a.atMs - b.atMs);
  }

  private oneSeries(
    row: ExperimentRow,
    service: string,
    guardrail: Guardrail,
    plan: SeriesPlan,
    status: GuardrailStatusRow | null,
  ): SliSeries {
    const sli = this.deps.slis.findSli(service, guardrail.sli);
    const source = sli?.source ?? null;
    const base: SliSeries = {
      sli: guardrail.sli,
      description: sli?.description ?? null,
      unit: sli?.unit ?? null,
      source: source?.kind ?? null,
      unavailable: null,
      action: guardrail.action,
      windowMs: guardrail.windowMs,
      bounds: guardrailBounds(guardrail),
      points: [],
      latest: latestVerdict(status ? { ...status, evaluatedAtMs: status.evaluatedAt } : null),
    };
    if (!source) {
      return {
        ...base,
        unavailable: `SLI ${guardrail.sli} has no source defined for ${service}; define one with policy.defineSli`,
      };
    }
    if (source.kind === 'promql') {
      return {
        ...base,
        unavailable:
          'a PromQL SLI is computed by Prometheus when the guardrail is judged; Runway keeps no per-window series of it, so only the latest verdict is shown',
      };
    }
    const arm = (variant: Variant) => this.armAggregates(row.key, variant, source, plan);
    return {
      ...base,
      points: seriesPoints(guardrail, plan.cuts, arm('treatment'), arm('control')),
    };
  }

  private armAggregates(
    key: string,
    variant: Variant,
    source: Exclude<SliSource, { kind: 'promql' }>,
    plan: SeriesPlan,
  ) {
    const first = plan.cuts[0];
    const last = plan.cuts[plan.cuts.length - 1];
    if (!first || !last) return [];
    const byMetric = new Map(
      sourceMetrics(source).map((metric) => {
        const rollups = this.deps.telemetry.rollups(
          key,
          variant,
          metric,
          first.segmentStartMs,
          last.atMs + 1,
        );
        return [metric, cumulativeTelemetry(rollups, plan.cuts)] as const;
      }),
    );
    return plan.cuts.map((_, index) =>
      armAggregate(source, (metric) => byMetric.get(metric)![index]!),
    );
  }
}
