import type {
  GuardrailBoundName,
  SliSeries,
  SliSeriesPoint,
  StageMarker,
} from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';

// Pure shaping from the server's SLI series (experiments.sliSeries) to what Recharts draws:
// rows keyed by time, bound lines, the interval band, stage markers, and values in their unit.

/** One row of a chart: both arms, the band as a [low, high] range, and each bound's level. */
export interface SliChartRow {
  atMs: number;
  stageIndex: number;
  treatment: number | null;
  control: number | null;
  /** Recharts draws an Area whose values are [low, high] tuples as a range band. */
  band: [number, number] | null;
  treatmentSamples: number;
  controlSamples: number;
  verdict: GuardrailVerdict;
  /** `limit0`, `limit1`, …: the bounds of the series, in order. */
  [limit: `limit${number}`]: number | null;
}

/** A bound drawn on the chart: a fixed level (absolute) or a line that follows control. */
export type BoundLine =
  | { kind: 'level'; bound: GuardrailBoundName; y: number; label: string }
  | {
      kind: 'follows_control';
      bound: GuardrailBoundName;
      dataKey: `limit${number}`;
      label: string;
    };

export interface StageMarkerLine {
  x: number;
  label: string;
}

export function limitKey(index: number): `limit${number}` {
  return `limit${index}`;
}

export function toChartRows(points: readonly SliSeriesPoint[]): SliChartRow[] {
  return points.map((point) => {
    const row: SliChartRow = {
      atMs: point.atMs,
      stageIndex: point.stageIndex,
      treatment: point.treatment,
      control: point.control,
      band: point.band,
      treatmentSamples: point.treatmentSamples,
      controlSamples: point.controlSamples,
      verdict: point.verdict,
    };
    point.limits.forEach((limit, index) => {
      row[limitKey(index)] = limit;
    });
    return row;
  });
}

/** Absolute bounds become a fixed level; relative ones a dashed line tracking control × (1 + r). */
export function boundLines(series: Pick<SliSeries, 'bounds' | 'unit'>): BoundLine[] {
  return series.bounds.map(({ bound, limit, relative }, index) =>
    relative
      ? {
          kind: 'follows_control',
          bound,
          dataKey: limitKey(index),
          label: `${bound === 'maxRelative' ? 'max' : 'min'} control ${signedPercent(limit)}`,
        }
      : {
          kind: 'level',
          bound,
          y: limit,
          label: `${bound} ${formatSliValue(limit, series.unit)}`,
        },
  );
}

const EVENT_LABEL: Record<StageMarker['event'], string> = {
  start: 'started',
  advance: 'stage',
  resume: 'resumed',
};

/** Stage changes inside [fromMs, toMs] as vertical lines, labelled "stage 2 · 25%". */
export function stageMarkerLines(
  markers: readonly StageMarker[],
  fromMs: number,
  toMs: number,
): StageMarkerLine[] {
  return markers
    .filter((marker) => marker.atMs >= fromMs && marker.atMs <= toMs)
    .map((marker) => ({
      x: marker.atMs,
      label:
        marker.event === 'advance'
          ? `stage ${marker.stageIndex + 1} · ${marker.percent}%`
          : `${EVENT_LABEL[marker.event]} · stage ${marker.stageIndex + 1} · ${marker.percent}%`,
    }));
}

/**
 * The y range that shows the arms, every bound and the latest interval, with some room around
 * them; null when there is nothing to show. Earlier intervals are wider (less evidence) and may
 * be clipped: scaling to the first few points' band would flatten the arms for the whole stage.
 * Ratios and latencies never go below zero.
 */
export function valueDomain(
  rows: readonly SliChartRow[],
  lines: readonly BoundLine[],
): [number, number] | null {
  const values: number[] = [];
  for (const row of rows) {
    if (row.treatment !== null) values.push(row.treatment);
    if (row.control !== null) values.push(row.control);
    for (const line of lines) {
      const limit = line.kind === 'follows_control' ? row[line.dataKey] : null;
      if (typeof limit === 'number') values.push(limit);
    }
  }
  const latestBand = [...rows].reverse().find((row) => row.band !== null)?.band;
  if (latestBand) values.push(latestBand[0], latestBand[1]);
  for (const line of lines) if (line.kind === 'level') values.push(line.y);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  const pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1;
  low = low >= 0 ? Math.max(0, low - pad) : low - pad;
  high += pad;
  return [low, high];
}

/** A value in its SLI's unit: ratios as percentages, ms as ms (or s when large). */
export function formatSliValue(value: number | null, unit: string | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ratio':
      return `${trim(value * 100)}%`;
    case 'ms':
      return Math.abs(value) >= 10_000 ? `${trim(value / 1_000)} s` : `${trim(value)} ms`;
    default:
      return unit ? `${trim(value)} ${unit}` : trim(value);
  }
}

/** Three significant digits, no trailing zeros, no exponent for everyday magnitudes. */
function trim(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  if (magnitude < 0.001) return String(Number(value.toPrecision(2)));
  return String(Number(value.toFixed(digits)));
}

export function signedPercent(fraction: number): string {
  const percent = Number((fraction * 100).toFixed(1));
  return `${percent >= 0 ? '+' : ''}${percent}%`;
}

/** Axis and tooltip time: UTC like every other time Runway prints (`18:00 UTC`). */
export function formatClock(atMs: number): string {
  return new Date(atMs).toISOString().slice(11, 19);
}

/** An axis tick: HH:MM, with seconds when the ticks are less than a minute apart. */
export function formatTick(atMs: number, stepMs: number): string {
  return stepMs < 60_000 ? formatClock(atMs) : formatClock(atMs).slice(0, 5);
}

export const VERDICT_LABEL: Record<GuardrailVerdict, string> = {
  pass: 'passing',
  fail: 'failing',
  inconclusive: 'inconclusive',
  no_data: 'no data',
};

const TICK_STEPS_MS = [
  1_000,
  5_000,
  10_000,
  15_000,
  30_000,
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
];

/**
 * At most `count` round instants across [fromMs, toMs] for the time axis. Computed here rather
 * than left to Recharts, which otherwise considers (and measures the label of) every data point
 * as a candidate tick on each update.
 */
export function timeTicks(fromMs: number, toMs: number, count = 6): number[] {
  const span = toMs - fromMs;
  if (!(span > 0)) return Number.isFinite(fromMs) ? [fromMs] : [];
  const step =
    TICK_STEPS_MS.find((candidate) => span / candidate <= count) ??
    Math.ceil(span / count / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let tick = Math.ceil(fromMs / step) * step; tick <= toMs; tick += step) ticks.push(tick);
  return ticks;
}
