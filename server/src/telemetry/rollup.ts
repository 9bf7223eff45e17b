import type { MetricKind, MetricPoint, Variant } from './metric-point';

// Folding points into fixed windows. Pure: the service folds a request's points in memory first
// (many points land in few rows), then the store adds each folded row to what is stored.

/** Ten seconds: fine enough for a 1-minute guardrail window, small enough to keep for a week. */
export const DEFAULT_ROLLUP_WINDOW_MS = 10_000;

/** One rollup row: where it belongs and what it holds. Columns as in migration 4. */
export interface Rollup {
  readonly experiment: string;
  readonly variant: Variant;
  readonly metric: string;
  readonly windowStartMs: number;
  readonly service: string;
  readonly kind: MetricKind;
  /** JSON array of the histogram's explicit bounds; `[]` for sums and gauges. */
  readonly explicitBoundsJson: string;
  readonly pointCount: number;
  readonly valueSum: number;
  readonly observationCount: number;
  readonly summedCount: number;
  readonly minValue: number | null;
  readonly maxValue: number | null;
  readonly lastValue: number | null;
  readonly lastTimeMs: number | null;
  readonly bucketCounts: readonly number[];
}

export function windowStart(timeMs: number, windowMs: number): number {
  return Math.floor(timeMs / windowMs) * windowMs;
}

export function rollupKey(rollup: Rollup): string {
  return JSON.stringify([
    rollup.experiment,
    rollup.variant,
    rollup.metric,
    rollup.windowStartMs,
    rollup.service,
    rollup.kind,
    rollup.explicitBoundsJson,
  ]);
}

/** A delta or gauge point as a rollup of one point. Cumulative points must be converted first. */
export function pointRollup(point: MetricPoint, windowMs: number): Rollup {
  if (point.kind === 'histogram') {
    const count = point.count ?? 0;
    return {
      experiment: point.experiment,
      variant: point.variant,
      metric: point.metric,
      windowStartMs: windowStart(point.timeUnixMs, windowMs),
      service: point.service,
      kind: point.kind,
      pointCount: 1,
      explicitBoundsJson: JSON.stringify(point.explicitBounds ?? []),
      valueSum: point.sum ?? 0,
      observationCount: count,
      summedCount: point.sum === undefined ? 0 : count,
      minValue: point.min ?? null,
      maxValue: point.max ?? null,
      lastValue: null,
      lastTimeMs: null,
      bucketCounts: point.bucketCounts ?? [],
    };
  }
  const value = point.value ?? 0;
  const gauge = point.kind === 'gauge';
  return {
    experiment: point.experiment,
    variant: point.variant,
    metric: point.metric,
    windowStartMs: windowStart(point.timeUnixMs, windowMs),
    service: point.service,
    kind: point.kind,
    pointCount: 1,
    explicitBoundsJson: '[]',
    valueSum: value,
    observationCount: 0,
    summedCount: 0,
    minValue: gauge ? value : null,
    maxValue: gauge ? value : null,
    lastValue: gauge ? value : null,
    lastTimeMs: gauge ? point.timeUnixMs : null,
    bucketCounts: [],
  };
}

const minOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);
const maxOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);

/**
 * Two rollups of the same key (or, for reads, of one arm and metric) added together. On a tie
 * in time the later argument's last value wins, as it arrived later.
 */
export function mergeRollups(earlier: Rollup, later: Rollup): Rollup {
  const laterIsLast =
    later.lastTimeMs !== null &&
    (earlier.lastTimeMs === null || later.lastTimeMs >= earlier.lastTimeMs);
  const longer = Math.max(earlier.bucketCounts.length, later.bucketCounts.length);
  return {
    experiment: earlier.experiment,
    variant: earlier.variant,
    metric: earlier.metric,
    windowStartMs: earlier.windowStartMs,
    service: earlier.service,
    kind: earlier.kind,
    explicitBoundsJson: earlier.explicitBoundsJson,
    pointCount: earlier.pointCount + later.pointCount,
    valueSum: earlier.valueSum + later.valueSum,
    observationCount: earlier.observationCount + later.observationCount,
    summedCount: earlier.summedCount + later.summedCount,
    minValue: minOf(earlier.minValue, later.minValue),
    maxValue: maxOf(earlier.maxValue, later.maxValue),
    lastValue: laterIsLast ? later.lastValue : earlier.lastValue,
    lastTimeMs: laterIsLast ? later.lastTimeMs : earlier.lastTimeMs,
    bucketCounts: Array.from(
      { length: longer },
      (_, index) => (earlier.bucketCounts[index] ?? 0) + (later.bucketCounts[index] ?? 0),
    ),
  };
}

/** Delta and gauge points folded into one rollup per key, in first-seen order. */
export function foldIntoWindows(points: readonly MetricPoint[], windowMs: number): Rollup[] {
  const folded = new Map<string, Rollup>();
  for (const point of points) {
    const rollup = pointRollup(point, windowMs);
    const key = rollupKey(rollup);
    const existing = folded.get(key);
    folded.set(key, existing ? mergeRollups(existing, rollup) : rollup);
  }
  return [...folded.values()];
}
