import type { Rollup } from './rollup';

// What the guardrail engine reads: one arm's metric summed over a time range, across services,
// attributes and windows. Pure, over the rows the store returns.

export interface SumAggregate {
  /** The total of the deltas. */
  total: number;
  points: number;
}

export interface GaugeAggregate {
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTimeMs: number;
}

export interface HistogramAggregate {
  explicitBounds: number[];
  bucketCounts: number[];
  count: number;
  /** Sum of the observations that came with a sum (`summedCount` of them). */
  sum: number;
  summedCount: number;
  min: number | null;
  max: number | null;
  /**
   * Observations recorded with other bounds (a sender changed its buckets): they cannot be
   * added bucket by bucket, so they are left out and counted here. The bounds with the most
   * observations win.
   */
  otherBoundsCount: number;
}

export interface TelemetryAggregate {
  /** Windows in the range that hold any data for this arm and metric. */
  windows: number;
  sum: SumAggregate | null;
  gauge: GaugeAggregate | null;
  histogram: HistogramAggregate | null;
}

export function aggregateRollups(rollups: readonly Rollup[]): TelemetryAggregate {
  const windows = new Set(rollups.map((rollup) => rollup.windowStartMs)).size;
  return {
    windows,
    sum: sumAggregate(rollups.filter((rollup) => rollup.kind === 'sum')),
    gauge: gaugeAggregate(rollups.filter((rollup) => rollup.kind === 'gauge')),
    histogram: histogramAggregate(rollups.filter((rollup) => rollup.kind === 'histogram')),
  };
}

function sumAggregate(rollups: readonly Rollup[]): SumAggregate | null {
  if (rollups.length === 0) return null;
  return {
    total: rollups.reduce((total, rollup) => total + rollup.valueSum, 0),
    points: rollups.reduce((total, rollup) => total + rollup.pointCount, 0),
  };
}

function gaugeAggregate(rollups: readonly Rollup[]): GaugeAggregate | null {
  if (rollups.length === 0) return null;
  let result: GaugeAggregate | null = null;
  for (const rollup of rollups) {
    const min = rollup.minValue ?? 0;
    const max = rollup.maxValue ?? 0;
    const last = rollup.lastValue ?? 0;
    const lastTimeMs = rollup.lastTimeMs ?? rollup.windowStartMs;
    if (result === null) {
      result = { min, max, sum: rollup.valueSum, count: rollup.pointCount, last, lastTimeMs };
      continue;
    }
    result.min = Math.min(result.min, min);
    result.max = Math.max(result.max, max);
    result.sum += rollup.valueSum;
    result.count += rollup.pointCount;
    if (lastTimeMs >= result.lastTimeMs) {
      result.last = last;
      result.lastTimeMs = lastTimeMs;
    }
  }
  return result;
}

function histogramAggregate(rollups: readonly Rollup[]): HistogramAggregate | null {
  if (rollups.length === 0) return null;
  const byBounds = new Map<string, Rollup[]>();
  for (const rollup of rollups) {
    const group = byBounds.get(rollup.explicitBoundsJson) ?? [];
    group.push(rollup);
    byBounds.set(rollup.explicitBoundsJson, group);
  }
  const countOf = (group: readonly Rollup[]): number =>
    group.reduce((total, rollup) => total + rollup.observationCount, 0);
  // The bounds with the most observations; on a tie, the same bounds whatever order the rollups
  // came in (the engine reads them in store order, the chart by window).
  const groups = [...byBounds.entries()].sort(
    ([boundsA, a], [boundsB, b]) =>
      countOf(b) - countOf(a) || (boundsA < boundsB ? -1 : boundsA > boundsB ? 1 : 0),
  );
  const [boundsJson, chosen] = groups[0]!;
  const total = countOf(rollups);
  const explicitBounds = JSON.parse(boundsJson) as number[];
  const bucketCounts: number[] = [];
  const result: HistogramAggregate = {
    explicitBounds,
    bucketCounts,
    count: countOf(chosen),
    sum: 0,
    summedCount: 0,
    min: null,
    max: null,
    otherBoundsCount: total - countOf(chosen),
  };
  for (const rollup of chosen) {
    result.sum += rollup.valueSum;
    result.summedCount += rollup.summedCount;
    if (rollup.minValue !== null)
      result.min = Math.min(result.min ?? rollup.minValue, rollup.minValue);
    if (rollup.maxValue !== null)
      result.max = Math.max(result.max ?? rollup.maxValue, rollup.maxValue);
    rollup.bucketCounts.forEach((count, index) => {
      bucketCounts[index] = (bucketCounts[index] ?? 0) + count;
    });
  }
  return result;
}
