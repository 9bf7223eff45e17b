import type { ErrorIssue } from '../../../shared/src/errors';
import type { Db } from '../store/database';
import { cumulativeToDelta, seriesKey } from './cumulative-to-delta';
import type { MetricPoint, Variant } from './metric-point';
import { MAX_PROBLEMS } from './otlp-json';
import { DEFAULT_ROLLUP_WINDOW_MS, foldIntoWindows, windowStart, type Rollup } from './rollup';
import { aggregateRollups, type TelemetryAggregate } from './telemetry-aggregate';
import type { LastSeen, TelemetryStore } from './telemetry-store';

// Ingest folds parsed OTLP points into per-window rollups (DESIGN §8): raw points are never
// stored. Each request is one transaction: series state, rollups and last-seen move together,
// so a crash cannot count a cumulative interval twice or lose one.

export const DEFAULT_TELEMETRY_RETENTION_MS = 7 * 24 * 60 * 60 * 1_000;
/** Points stamped further ahead of the server's clock than this are refused (a skewed sender). */
export const MAX_FUTURE_SKEW_MS = 10 * 60 * 1_000;
const PRUNE_CHUNK_ROWS = 5_000;

/** The one thing telemetry needs to know about experiments. */
export interface ExperimentKeys {
  exists(key: string): boolean;
}

export interface TelemetryServiceOptions {
  db: Db;
  store: TelemetryStore;
  experiments: ExperimentKeys;
  windowMs?: number;
  retentionMs?: number;
}

export interface IngestResult {
  /** Points that reached a rollup, set a cumulative baseline, or were a retry of one seen. */
  accepted: number;
  rejected: number;
  problems: ErrorIssue[];
  /** First points of cumulative series: they set the baseline only. */
  baselines: number;
  /** Cumulative points not newer than their series' last one (retried exports): ignored. */
  stale: number;
  /** Rollup rows added to (a request's points fold into few rows). */
  rollupsWritten: number;
}

export interface PruneResult {
  rollups: number;
  series: number;
}

export class TelemetryService {
  readonly windowMs: number;
  readonly retentionMs: number;
  private readonly db: Db;
  private readonly store: TelemetryStore;
  private readonly experiments: ExperimentKeys;
  private readonly ingestListeners = new Set<() => void>();

  constructor(options: TelemetryServiceOptions) {
    this.db = options.db;
    this.store = options.store;
    this.experiments = options.experiments;
    this.windowMs = options.windowMs ?? DEFAULT_ROLLUP_WINDOW_MS;
    this.retentionMs = options.retentionMs ?? DEFAULT_TELEMETRY_RETENTION_MS;
  }

  /** Calls `listener` after each committed batch that kept any point; returns the unsubscribe. */
  onIngest(listener: () => void): () => void {
    this.ingestListeners.add(listener);
    return () => this.ingestListeners.delete(listener);
  }

  ingest(points: readonly MetricPoint[], nowMs: number): IngestResult {
    const result = this.ingestBatch(points, nowMs);
    if (result.accepted > 0) for (const listener of this.ingestListeners) listener();
    return result;
  }

  private ingestBatch(points: readonly MetricPoint[], nowMs: number): IngestResult {
    const { kept, rejected, problems } = this.screen(points, nowMs);
    return this.db.transaction((): IngestResult => {
      const cumulativeKeys = new Set(
        kept.filter((point) => point.temporality === 'cumulative').map(seriesKey),
      );
      const before = this.store.seriesState(cumulativeKeys);
      const converted = cumulativeToDelta(kept, before);
      for (const key of cumulativeKeys) {
        const last = converted.state.get(key);
        if (last !== undefined && last !== before.get(key)) this.store.saveSeries(key, last);
      }
      const rollups = foldIntoWindows(converted.points, this.windowMs);
      this.store.addRollups(rollups);
      for (const [arm, pointTimeMs] of latestPointPerArm(kept)) {
        const [experiment, variant] = JSON.parse(arm) as [string, Variant];
        this.store.markSeen(experiment, variant, nowMs, pointTimeMs);
      }
      return {
        accepted: kept.length,
        rejected,
        problems,
        baselines: converted.baselines,
        stale: converted.stale,
        rollupsWritten: rollups.length,
      };
    })();
  }

  /** One arm's metric over the windows starting in [fromMs, toMs). */
  aggregate(
    experimentKey: string,
    variant: Variant,
    metric: string,
    fromMs: number,
    toMs: number,
  ): TelemetryAggregate {
    return aggregateRollups(this.store.rollups(experimentKey, variant, metric, fromMs, toMs));
  }

  /** One arm's metric window by window, oldest first (for charts that sum them step by step). */
  rollups(
    experimentKey: string,
    variant: Variant,
    metric: string,
    fromMs: number,
    toMs: number,
  ): Rollup[] {
    return this.store.rollups(experimentKey, variant, metric, fromMs, toMs);
  }

  /** When each arm of the experiment last sent telemetry (for "telemetry stopped"). */
  /** A sum metric's total across the service's experiment arms over [fromMs, toMs). */
  serviceTotal(service: string, metric: string, fromMs: number, toMs: number): number {
    return this.store.serviceSum(service, metric, windowStart(fromMs, this.windowMs), toMs);
  }

  lastSeen(experimentKey: string): LastSeen[] {
    return this.store.lastSeen(experimentKey);
  }

  /** Deletes rollups older than the cutoff and series silent since then, in short chunks. */
  prune(olderThanMs: number): PruneResult {
    const result: PruneResult = { rollups: 0, series: 0 };
    const chunk = this.db.transaction((): number => {
      const rollups = this.store.pruneRollups(olderThanMs, PRUNE_CHUNK_ROWS);
      const series = this.store.pruneSeries(olderThanMs, PRUNE_CHUNK_ROWS);
      result.rollups += rollups;
      result.series += series;
      return rollups + series;
    });
    while (chunk() > 0);
    return result;
  }

  /** Prunes what has passed the retention. */
  pruneExpired(nowMs: number): PruneResult {
    return this.prune(nowMs - this.retentionMs);
  }

  /** Refuses points of unknown experiments and points outside the kept time range. */
  private screen(
    points: readonly MetricPoint[],
    nowMs: number,
  ): { kept: MetricPoint[]; rejected: number; problems: ErrorIssue[] } {
    const known = new Map<string, boolean>();
    const refusedCounts = new Map<string, number>();
    const kept: MetricPoint[] = [];
    const oldestMs = nowMs - this.retentionMs;
    const newestMs = nowMs + MAX_FUTURE_SKEW_MS;
    for (const point of points) {
      let exists = known.get(point.experiment);
      if (exists === undefined) {
        exists = this.experiments.exists(point.experiment);
        known.set(point.experiment, exists);
      }
      const reason = !exists
        ? `runway.experiment ${JSON.stringify(point.experiment)} is not a known experiment`
        : point.timeUnixMs < oldestMs
          ? `timeUnixNano is older than the telemetry retention (${formatDays(this.retentionMs)})`
          : point.timeUnixMs > newestMs
            ? `timeUnixNano is more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of the server's clock`
            : null;
      if (reason === null) kept.push(point);
      else refusedCounts.set(reason, (refusedCounts.get(reason) ?? 0) + 1);
    }
    const problems = [...refusedCounts].slice(0, MAX_PROBLEMS).map(([reason, count]) => ({
      path: '',
      message: `${reason}; ${count === 1 ? '1 data point' : `${count} data points`} rejected`,
    }));
    return { kept, rejected: points.length - kept.length, problems };
  }
}

function latestPointPerArm(points: readonly MetricPoint[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const point of points) {
    const arm = JSON.stringify([point.experiment, point.variant]);
    latest.set(arm, Math.max(latest.get(arm) ?? 0, point.timeUnixMs));
  }
  return latest;
}

function formatDays(ms: number): string {
  const days = ms / (24 * 60 * 60 * 1_000);
  return Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : `${ms} ms`;
}
