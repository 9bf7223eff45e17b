import type { SliSource } from '../../../shared/src/api-schemas';
import type { Variant } from '../telemetry/metric-point';
import type { PrometheusClient, PromRatioResult } from './prometheus-client';
import type { RatioAggregate } from './sli-estimates';

type PromqlSource = Extract<SliSource, { kind: 'promql' }>;

/** One arm of one PromQL SLI to fetch: counts since the stage started. */
export interface PromqlFetch {
  readonly key: string;
  readonly variant: Variant;
  readonly sli: string;
  readonly source: PromqlSource;
  readonly stageStartedAtMs: number;
}

export interface PromqlArm {
  readonly aggregate: RatioAggregate;
  /** Why there are no counts (Prometheus unreachable, an error, no series); null with counts. */
  readonly problem: string | null;
}

interface Entry {
  readonly result: PromRatioResult;
  readonly stageStartedAtMs: number;
  readonly fetchedAtMs: number;
}

/**
 * How long a fetched PromQL reading stays usable: a few guardrail intervals, so one slow query
 * does not flap a verdict, but a Prometheus that stopped answering soon reads as no data.
 */
export const PROMQL_MAX_AGE_MS = 15_000;

const NO_COUNTS: RatioAggregate = { kind: 'ratio', successes: 0, trials: 0 };

/**
 * PromQL SLIs, fetched ahead of evaluation. Evaluation itself stays synchronous (it runs right
 * after each OTLP batch, where waiting on Prometheus would add its latency to every decision),
 * so the guardrail loop refreshes this cache on its interval and evaluation reads it. An entry
 * older than `maxAgeMs`, or from an earlier stage, counts as no data: a Prometheus that stops
 * answering can never leave a stale pass behind.
 */
export class PromqlSliSource {
  private readonly entries = new Map<string, Entry>();
  /** When each experiment's treatment counts (per SLI) last grew: "last seen" for lost telemetry. */
  private readonly treatmentGrowth = new Map<string, Map<string, Growth>>();

  constructor(
    private readonly client: Pick<PrometheusClient, 'ratio'> | null,
    private readonly maxAgeMs: number,
  ) {}

  get configured(): boolean {
    return this.client !== null;
  }

  async refresh(fetches: readonly PromqlFetch[], nowMs: number): Promise<void> {
    const live = new Set(fetches.map((fetch) => fetch.key));
    for (const key of [...this.treatmentGrowth.keys()]) {
      if (!live.has(key)) this.treatmentGrowth.delete(key);
    }
    for (const id of [...this.entries.keys()]) {
      if (!live.has(id.slice(0, id.indexOf('\u0000')))) this.entries.delete(id);
    }
    await Promise.all(
      fetches.map(async (fetch) => {
        const result: PromRatioResult = this.client
          ? await this.client.ratio(
              fetch.source.numeratorQuery,
              fetch.source.denominatorQuery,
              {
                experiment: fetch.key,
                variant: fetch.variant,
                rangeMs: Math.max(1_000, nowMs - fetch.stageStartedAtMs),
              },
              nowMs,
            )
          : {
              ok: false,
              kind: 'error',
              error: 'no Prometheus is configured (set RUNWAY_PROMETHEUS_URL)',
            };
        this.entries.set(entryId(fetch), {
          result,
          stageStartedAtMs: fetch.stageStartedAtMs,
          fetchedAtMs: nowMs,
        });
        if (fetch.variant === 'treatment' && result.ok && result.kind === 'counts') {
          this.noteTreatment(fetch, result.trials, nowMs);
        }
      }),
    );
  }

  arm(fetch: Omit<PromqlFetch, 'source'>, nowMs: number): PromqlArm {
    const entry = this.entries.get(entryId(fetch));
    if (!entry || entry.stageStartedAtMs !== fetch.stageStartedAtMs) {
      return { aggregate: NO_COUNTS, problem: 'not fetched from Prometheus yet' };
    }
    if (nowMs - entry.fetchedAtMs > this.maxAgeMs) {
      return {
        aggregate: NO_COUNTS,
        problem: `last fetched from Prometheus ${Math.round((nowMs - entry.fetchedAtMs) / 1000)} s ago`,
      };
    }
    const { result } = entry;
    if (!result.ok) return { aggregate: NO_COUNTS, problem: `Prometheus: ${result.error}` };
    if (result.kind === 'no_data') return { aggregate: NO_COUNTS, problem: result.reason };
    return {
      aggregate: { kind: 'ratio', successes: result.successes, trials: result.trials },
      problem: null,
    };
  }

  /** When the experiment's treatment counts last grew in Prometheus (null: never seen). */
  lastSeen(key: string): number | null {
    const growth = this.treatmentGrowth.get(key);
    if (!growth || growth.size === 0) return null;
    return Math.max(...[...growth.values()].map((entry) => entry.atMs));
  }

  private noteTreatment(fetch: PromqlFetch, trials: number, nowMs: number): void {
    let growth = this.treatmentGrowth.get(fetch.key);
    if (!growth) this.treatmentGrowth.set(fetch.key, (growth = new Map()));
    const previous = growth.get(fetch.sli);
    // Counts since the stage started only grow while the app reports; a new stage starts over.
    const sameStage = previous?.stageStartedAtMs === fetch.stageStartedAtMs;
    if (trials > 0 && (!previous || !sameStage || trials > previous.trials)) {
      growth.set(fetch.sli, { trials, atMs: nowMs, stageStartedAtMs: fetch.stageStartedAtMs });
    }
  }
}

interface Growth {
  readonly trials: number;
  readonly atMs: number;
  readonly stageStartedAtMs: number;
}

function entryId(fetch: { key: string; variant: Variant; sli: string }): string {
  return `${fetch.key}\u0000${fetch.variant}\u0000${fetch.sli}`;
}
