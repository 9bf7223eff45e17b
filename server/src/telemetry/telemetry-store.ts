import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import type { MetricKind, MetricPoint, Variant } from './metric-point';
import type { Rollup } from './rollup';

// The SQL of telemetry (migration 4): rollups, cumulative series state and last-seen times.
// Synchronous like every store; the service decides what runs in one transaction.

interface RollupRow {
  experiment_key: string;
  variant: Variant;
  metric: string;
  window_start_ms: number;
  service: string;
  kind: MetricKind;
  explicit_bounds_json: string;
  point_count: number;
  value_sum: number;
  observation_count: number;
  summed_count: number;
  min_value: number | null;
  max_value: number | null;
  last_value: number | null;
  last_time_ms: number | null;
  bucket_counts_json: string;
}

export interface LastSeen {
  variant: Variant;
  receivedAtMs: number;
  lastPointTimeMs: number;
}

// Buckets add element by element; both arrays have the same length, since the bounds are part
// of the key. min() / max() of SQLite return NULL when either side is NULL, hence the coalesce.
const UPSERT_ROLLUP = `
INSERT INTO telemetry_rollups (
  experiment_key, variant, metric, window_start_ms, service, kind, explicit_bounds_json,
  point_count, value_sum, observation_count, summed_count, min_value, max_value,
  last_value, last_time_ms, bucket_counts_json)
VALUES (
  @experiment, @variant, @metric, @windowStartMs, @service, @kind, @explicitBoundsJson,
  @pointCount, @valueSum, @observationCount, @summedCount, @minValue, @maxValue,
  @lastValue, @lastTimeMs, @bucketCountsJson)
ON CONFLICT (experiment_key, variant, metric, window_start_ms, service, kind, explicit_bounds_json)
DO UPDATE SET
  point_count = point_count + excluded.point_count,
  value_sum = value_sum + excluded.value_sum,
  observation_count = observation_count + excluded.observation_count,
  summed_count = summed_count + excluded.summed_count,
  min_value = coalesce(min(min_value, excluded.min_value), min_value, excluded.min_value),
  max_value = coalesce(max(max_value, excluded.max_value), max_value, excluded.max_value),
  last_value = CASE WHEN excluded.last_time_ms >= coalesce(last_time_ms, excluded.last_time_ms)
    THEN excluded.last_value ELSE last_value END,
  last_time_ms = coalesce(max(last_time_ms, excluded.last_time_ms), last_time_ms, excluded.last_time_ms),
  bucket_counts_json = CASE WHEN excluded.bucket_counts_json = '[]' THEN bucket_counts_json ELSE (
    SELECT json_group_array(stored.value + coalesce(added.value, 0) ORDER BY stored.key)
    FROM json_each(telemetry_rollups.bucket_counts_json) AS stored
    LEFT JOIN json_each(excluded.bucket_counts_json) AS added ON added.key = stored.key
  ) END`;

export class TelemetryStore {
  private readonly upsertRollupStatement: Statement;
  private readonly seriesStatement: Statement;
  private readonly upsertSeriesStatement: Statement;
  private readonly upsertLastSeenStatement: Statement;
  private readonly rollupsStatement: Statement;
  private readonly lastSeenStatement: Statement;
  private readonly serviceSumStatement: Statement;
  private readonly pruneRollupsStatement: Statement;
  private readonly pruneSeriesStatement: Statement;

  constructor(db: Db) {
    this.upsertRollupStatement = db.prepare(UPSERT_ROLLUP);
    this.seriesStatement = db
      .prepare('SELECT last_point_json FROM telemetry_series WHERE series_key = ?')
      .pluck();
    this.upsertSeriesStatement = db.prepare(`
INSERT INTO telemetry_series (series_key, experiment_key, kind, start_time_ms, last_time_ms, last_point_json)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (series_key) DO UPDATE SET
  kind = excluded.kind, start_time_ms = excluded.start_time_ms,
  last_time_ms = excluded.last_time_ms, last_point_json = excluded.last_point_json`);
    this.upsertLastSeenStatement = db.prepare(`
INSERT INTO telemetry_last_seen (experiment_key, variant, received_at_ms, last_point_time_ms)
VALUES (?, ?, ?, ?)
ON CONFLICT (experiment_key, variant) DO UPDATE SET
  received_at_ms = max(received_at_ms, excluded.received_at_ms),
  last_point_time_ms = max(last_point_time_ms, excluded.last_point_time_ms)`);
    this.rollupsStatement = db.prepare(`
SELECT * FROM telemetry_rollups
WHERE experiment_key = ? AND variant = ? AND metric = ? AND window_start_ms >= ? AND window_start_ms < ?
ORDER BY window_start_ms`);
    this.lastSeenStatement = db.prepare(`
SELECT variant, received_at_ms AS receivedAtMs, last_point_time_ms AS lastPointTimeMs
FROM telemetry_last_seen WHERE experiment_key = ? ORDER BY variant`);
    // By window first (its index), then the service: budgets read an hour or a few days at most.
    this.serviceSumStatement = db
      .prepare(
        `SELECT coalesce(sum(value_sum), 0) FROM telemetry_rollups
        WHERE window_start_ms >= ? AND window_start_ms < ? AND service = ? AND metric = ? AND kind = 'sum'`,
      )
      .pluck();
    // Deleting in chunks keeps each write transaction short, so ingest never waits long on it.
    this.pruneRollupsStatement = db.prepare(`
DELETE FROM telemetry_rollups
WHERE (experiment_key, variant, metric, window_start_ms, service, kind, explicit_bounds_json) IN (
  SELECT experiment_key, variant, metric, window_start_ms, service, kind, explicit_bounds_json
  FROM telemetry_rollups WHERE window_start_ms < ? LIMIT ?)`);
    this.pruneSeriesStatement = db.prepare(`
DELETE FROM telemetry_series WHERE series_key IN (
  SELECT series_key FROM telemetry_series WHERE last_time_ms < ? LIMIT ?)`);
  }

  addRollups(rollups: readonly Rollup[]): void {
    for (const rollup of rollups) {
      this.upsertRollupStatement.run({
        experiment: rollup.experiment,
        variant: rollup.variant,
        metric: rollup.metric,
        windowStartMs: rollup.windowStartMs,
        service: rollup.service,
        kind: rollup.kind,
        explicitBoundsJson: rollup.explicitBoundsJson,
        pointCount: rollup.pointCount,
        valueSum: rollup.valueSum,
        observationCount: rollup.observationCount,
        summedCount: rollup.summedCount,
        minValue: rollup.minValue,
        maxValue: rollup.maxValue,
        lastValue: rollup.lastValue,
        lastTimeMs: rollup.lastTimeMs,
        bucketCountsJson: JSON.stringify(rollup.bucketCounts),
      });
    }
  }

  /** One arm's rollups of a metric whose windows start in [fromMs, toMs), oldest first. */
  rollups(
    experiment: string,
    variant: Variant,
    metric: string,
    fromMs: number,
    toMs: number,
  ): Rollup[] {
    const rows = this.rollupsStatement.all(
      experiment,
      variant,
      metric,
      fromMs,
      toMs,
    ) as RollupRow[];
    return rows.map(rollupFromRow);
  }

  /** The stored last points of these series (those never seen are absent). */
  seriesState(seriesKeys: Iterable<string>): Map<string, MetricPoint> {
    const state = new Map<string, MetricPoint>();
    for (const key of seriesKeys) {
      const json = this.seriesStatement.get(key) as string | undefined;
      if (json !== undefined) state.set(key, JSON.parse(json) as MetricPoint);
    }
    return state;
  }

  saveSeries(seriesKey: string, point: MetricPoint): void {
    this.upsertSeriesStatement.run(
      seriesKey,
      point.experiment,
      point.kind,
      point.startTimeUnixMs,
      point.timeUnixMs,
      JSON.stringify(point),
    );
  }

  markSeen(experiment: string, variant: Variant, receivedAtMs: number, pointTimeMs: number): void {
    this.upsertLastSeenStatement.run(experiment, variant, receivedAtMs, pointTimeMs);
  }

  lastSeen(experiment: string): LastSeen[] {
    return this.lastSeenStatement.all(experiment) as LastSeen[];
  }

  /** A sum metric's total over every experiment arm of one service, in windows from..to. */
  serviceSum(service: string, metric: string, fromMs: number, toMs: number): number {
    return this.serviceSumStatement.get(fromMs, toMs, service, metric) as number;
  }

  /** Deletes up to `limit` rollups whose window started before the cutoff; returns how many. */
  pruneRollups(beforeMs: number, limit: number): number {
    return this.pruneRollupsStatement.run(beforeMs, limit).changes;
  }

  /** Deletes up to `limit` series not updated since the cutoff; returns how many. */
  pruneSeries(beforeMs: number, limit: number): number {
    return this.pruneSeriesStatement.run(beforeMs, limit).changes;
  }
}

function rollupFromRow(row: RollupRow): Rollup {
  return {
    experiment: row.experiment_key,
    variant: row.variant,
    metric: row.metric,
    windowStartMs: row.window_start_ms,
    service: row.service,
    kind: row.kind,
    explicitBoundsJson: row.explicit_bounds_json,
    pointCount: row.point_count,
    valueSum: row.value_sum,
    observationCount: row.observation_count,
    summedCount: row.summed_count,
    minValue: row.min_value,
    maxValue: row.max_value,
    lastValue: row.last_value,
    lastTimeMs: row.last_time_ms,
    bucketCounts: JSON.parse(row.bucket_counts_json) as number[],
  };
}
