import type { MetricPoint } from './metric-point';

// Cumulative sums and histograms carry the running total since their start time; Runway's
// windows need what happened in each interval. This turns each cumulative point into a delta
// against the previous point of its series. State in, state out: the caller (the rollup store)
// keeps the state between requests.

/** The last cumulative point seen per series key. */
export type CumulativeState = ReadonlyMap<string, MetricPoint>;

export interface CumulativeToDeltaResult {
  /** Delta and gauge points unchanged, cumulative points as deltas, in input order. */
  readonly points: MetricPoint[];
  readonly state: CumulativeState;
  /** First point of a series: it only sets the baseline, since its start predates what we saw. */
  readonly baselines: number;
  /** Not newer than the series' last point (a retry or out of order): dropped. */
  readonly stale: number;
}

/** service + experiment + variant + metric + the point's attributes in key order. */
export function seriesKey(point: MetricPoint): string {
  const attributes = Object.entries(point.attributes).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return JSON.stringify([point.service, point.experiment, point.variant, point.metric, attributes]);
}

export function cumulativeToDelta(
  points: readonly MetricPoint[],
  state: CumulativeState,
): CumulativeToDeltaResult {
  const next = new Map(state);
  const out: MetricPoint[] = [];
  let baselines = 0;
  let stale = 0;
  for (const point of points) {
    if (point.temporality !== 'cumulative') {
      out.push(point);
      continue;
    }
    const key = seriesKey(point);
    const previous = next.get(key);
    if (previous === undefined || previous.kind !== point.kind) {
      // A first cumulative value may hold hours from before the experiment's window: wait for
      // the next one rather than dump it all into the current interval.
      baselines += 1;
      next.set(key, point);
      continue;
    }
    if (point.timeUnixMs <= previous.timeUnixMs) {
      stale += 1;
      continue;
    }
    next.set(key, point);
    out.push(isReset(previous, point) ? resetDelta(previous, point) : difference(previous, point));
  }
  return { points: out, state: next, baselines, stale };
}

/**
 * The sender restarted its count: a new start time, or a total that went down where it cannot
 * (a monotonic sum, a histogram's counts), or histogram buckets that changed shape.
 */
function isReset(previous: MetricPoint, point: MetricPoint): boolean {
  if (
    previous.startTimeUnixMs !== null &&
    point.startTimeUnixMs !== null &&
    previous.startTimeUnixMs !== point.startTimeUnixMs
  ) {
    return true;
  }
  if (point.kind === 'sum') return point.monotonic && (point.value ?? 0) < (previous.value ?? 0);
  if (!sameBounds(previous.explicitBounds, point.explicitBounds)) return true;
  if ((point.count ?? 0) < (previous.count ?? 0)) return true;
  const before = previous.bucketCounts ?? [];
  return (point.bucketCounts ?? []).some((count, index) => count < (before[index] ?? 0));
}

function sameBounds(a: readonly number[] = [], b: readonly number[] = []): boolean {
  return a.length === b.length && a.every((bound, index) => bound === b[index]);
}

/** After a reset the new total is all new: it is the delta, since its own start time. */
function resetDelta(previous: MetricPoint, point: MetricPoint): MetricPoint {
  return {
    ...point,
    temporality: 'delta',
    startTimeUnixMs: point.startTimeUnixMs ?? previous.timeUnixMs,
  };
}

function difference(previous: MetricPoint, point: MetricPoint): MetricPoint {
  if (point.kind === 'sum') {
    return {
      service: point.service,
      experiment: point.experiment,
      variant: point.variant,
      metric: point.metric,
      kind: point.kind,
      temporality: 'delta',
      monotonic: point.monotonic,
      timeUnixMs: point.timeUnixMs,
      startTimeUnixMs: previous.timeUnixMs,
      attributes: point.attributes,
      value: (point.value ?? 0) - (previous.value ?? 0),
    };
  }
  // A histogram: min and max of the interval cannot be recovered from two running totals.
  const before = previous.bucketCounts ?? [];
  const delta: { -readonly [K in keyof MetricPoint]: MetricPoint[K] } = {
    service: point.service,
    experiment: point.experiment,
    variant: point.variant,
    metric: point.metric,
    kind: point.kind,
    temporality: 'delta',
    monotonic: point.monotonic,
    timeUnixMs: point.timeUnixMs,
    startTimeUnixMs: previous.timeUnixMs,
    attributes: point.attributes,
    count: (point.count ?? 0) - (previous.count ?? 0),
    bucketCounts: (point.bucketCounts ?? []).map((count, index) => count - (before[index] ?? 0)),
  };
  if (point.explicitBounds !== undefined) delta.explicitBounds = point.explicitBounds;
  if (point.sum !== undefined && previous.sum !== undefined) delta.sum = point.sum - previous.sum;
  return delta;
}
