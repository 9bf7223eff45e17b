import type {
  GuardrailBoundName,
  SliSeries,
  SliSeriesPoint,
  StageMarker,
} from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import { mergeRollups, windowStart, type Rollup } from '../telemetry/rollup';
import { aggregateRollups, type TelemetryAggregate } from '../telemetry/telemetry-aggregate';
import { evaluateGuardrail } from './evaluate-guardrail';
import { armEstimate, sampleCount, type SliAggregate } from './sli-estimates';

// The SLI charts of an experiment's guardrails, pure over plain data: which instants to plot,
// each arm's SLI at each of them, and the verdict the guardrail engine would give there. Every
// point is cumulative since its stage began (aligned down to a rollup window, as the engine
// aligns it), because that evidence is what the sequential test judges; the points reset
// where a new stage (or a resume) starts.

export const DEFAULT_MAX_POINTS = 300;

/** A stretch of evidence: from a start, an advance or a resume until the next one. */
export type EvidenceSegment = StageMarker;

/** One instant to plot: the evidence of windows from `segmentStartMs` up to `atMs`. */
export interface SeriesCut {
  readonly segmentStartMs: number;
  readonly atMs: number;
  /** The last cut of a segment also counts the window that starts exactly at `atMs`. */
  readonly inclusive: boolean;
  readonly stageIndex: number;
}

export interface SeriesPlan {
  readonly bucketMs: number;
  readonly cuts: SeriesCut[];
}

/**
 * The segments to chart: the current one, or, with `sinceMs`, every one from the segment that
 * was under way at `sinceMs`. Segments must be ordered by start.
 */
export function chooseSegments(
  segments: readonly EvidenceSegment[],
  sinceMs: number | undefined,
): EvidenceSegment[] {
  if (segments.length === 0) return [];
  if (sinceMs === undefined) return [segments[segments.length - 1]!];
  let first = 0;
  segments.forEach((segment, index) => {
    if (segment.atMs <= sinceMs) first = index;
  });
  return segments.slice(first);
}

/**
 * Where to plot points over [segments[0].atMs, toMs]: one per rollup window, or per whole
 * multiple of it so that the range holds about `maxPoints`, plus a last point at each segment's
 * end (for the current segment: now, including the window still filling).
 */
export function planCuts(
  segments: readonly EvidenceSegment[],
  toMs: number,
  windowMs: number,
  maxPoints: number = DEFAULT_MAX_POINTS,
): SeriesPlan {
  const first = segments[0];
  if (!first || toMs < first.atMs) return { bucketMs: windowMs, cuts: [] };
  const fromMs = windowStart(first.atMs, windowMs);
  const windows = Math.ceil((toMs - fromMs) / windowMs);
  const bucketMs = windowMs * Math.max(1, Math.ceil(windows / Math.max(1, maxPoints)));
  const cuts: SeriesCut[] = [];
  segments.forEach((segment, index) => {
    const segmentStartMs = windowStart(segment.atMs, windowMs);
    const endMs = Math.min(segments[index + 1]?.atMs ?? toMs, toMs);
    const base = { segmentStartMs, stageIndex: segment.stageIndex };
    for (let atMs = segmentStartMs + bucketMs; atMs < endMs; atMs += bucketMs) {
      cuts.push({ ...base, atMs, inclusive: false });
    }
    // A segment cut short at once (two changes in one millisecond) has nothing to show.
    const last = index === segments.length - 1;
    if (endMs > segment.atMs || (last && endMs === segment.atMs))
      cuts.push({ ...base, atMs: endMs, inclusive: true });
  });
  return { bucketMs, cuts };
}

/**
 * One arm's metric summed from each cut's segment start up to the cut, walking the rollups once
 * per segment. Rollups of the same kind and buckets are merged as they come, which gives
 * aggregateRollups the same totals as the engine's read of every row of the range.
 */
export function cumulativeTelemetry(
  rollups: readonly Rollup[],
  cuts: readonly SeriesCut[],
): TelemetryAggregate[] {
  const sorted = [...rollups].sort((a, b) => a.windowStartMs - b.windowStartMs);
  const result: TelemetryAggregate[] = [];
  let segmentStartMs: number | null = null;
  let next = 0;
  let merged = new Map<string, Rollup>();
  for (const cut of cuts) {
    if (cut.segmentStartMs !== segmentStartMs) {
      segmentStartMs = cut.segmentStartMs;
      merged = new Map();
      next = firstAtOrAfter(sorted, segmentStartMs);
    }
    for (; next < sorted.length; next++) {
      const rollup = sorted[next]!;
      const inside = cut.inclusive
        ? rollup.windowStartMs <= cut.atMs
        : rollup.windowStartMs < cut.atMs;
      if (!inside) break;
      const key = `${rollup.kind}|${rollup.explicitBoundsJson}`;
      const earlier = merged.get(key);
      merged.set(key, earlier ? mergeRollups(earlier, rollup) : rollup);
    }
    result.push(aggregateRollups([...merged.values()]));
  }
  return result;
}

function firstAtOrAfter(sorted: readonly Rollup[], startMs: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.windowStartMs < startMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

const BOUND_NAMES: readonly GuardrailBoundName[] = ['max', 'min', 'maxRelative', 'minRelative'];

export function guardrailBounds(guardrail: Guardrail): SliSeries['bounds'] {
  return BOUND_NAMES.filter((bound) => guardrail[bound] !== undefined).map((bound) => ({
    bound,
    limit: guardrail[bound] as number,
    relative: bound === 'maxRelative' || bound === 'minRelative',
  }));
}

const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** A relative change applied to control's SLI; null without control or for a limit beyond −100%. */
function applyToControl(control: number | null, relative: number): number | null {
  if (control === null) return null;
  const value = control * (1 + relative);
  return Number.isFinite(value) ? value : null;
}

/**
 * The chart's points: each arm's SLI at each cut, every bound's line, and the always-valid
 * interval and verdict of evaluateGuardrail on that cut's evidence (the deciding bound's; a
 * relative interval shown around control, in the SLI's unit).
 */
export function seriesPoints(
  guardrail: Guardrail,
  cuts: readonly SeriesCut[],
  treatment: readonly SliAggregate[],
  control: readonly SliAggregate[],
): SliSeriesPoint[] {
  const bounds = guardrailBounds(guardrail);
  return cuts.map((cut, index) => {
    const treatmentArm = treatment[index]!;
    const controlArm = control[index]!;
    const treatmentValue = armEstimate(treatmentArm)?.value ?? null;
    const controlValue = armEstimate(controlArm)?.value ?? null;
    const evaluation = evaluateGuardrail(guardrail, treatmentArm, controlArm);
    let band: [number, number] | null = null;
    if (evaluation.interval) {
      const [low, high] = evaluation.interval;
      const relative = evaluation.bound === 'maxRelative' || evaluation.bound === 'minRelative';
      band = relative
        ? pair(applyToControl(controlValue, low), applyToControl(controlValue, high))
        : pair(low, high);
    }
    return {
      atMs: cut.atMs,
      stageIndex: cut.stageIndex,
      treatment: finite(treatmentValue) ? treatmentValue : null,
      control: finite(controlValue) ? controlValue : null,
      treatmentSamples: sampleCount(treatmentArm),
      controlSamples: sampleCount(controlArm),
      limits: bounds.map(({ limit, relative }) =>
        relative ? applyToControl(controlValue, limit) : limit,
      ),
      band,
      verdict: evaluation.verdict,
    };
  });
}

function pair(low: number | null, high: number | null): [number, number] | null {
  return finite(low) && finite(high) ? [low, high] : null;
}

/** The engine's recorded verdict (guardrail_status) in the chart's terms; tolerant of old rows. */
export function latestVerdict(
  status: {
    verdict: GuardrailVerdict;
    stageIndex: number;
    evaluatedAtMs: number;
    details: Record<string, unknown>;
  } | null,
): SliSeries['latest'] {
  if (!status) return null;
  const { details } = status;
  const interval = details.interval;
  const samples = details.samples as { treatment?: unknown; control?: unknown } | undefined;
  return {
    verdict: status.verdict,
    stageIndex: status.stageIndex,
    evaluatedAtMs: status.evaluatedAtMs,
    bound: BOUND_NAMES.find((bound) => bound === details.bound) ?? null,
    limit: finite(details.limit as number) ? (details.limit as number) : null,
    estimate: finite(details.estimate as number) ? (details.estimate as number) : null,
    interval:
      Array.isArray(interval) && finite(interval[0]) && finite(interval[1])
        ? [interval[0], interval[1]]
        : null,
    samples:
      samples && finite(samples.treatment as number)
        ? {
            treatment: samples.treatment as number,
            control: finite(samples.control as number) ? (samples.control as number) : null,
          }
        : null,
    reason: typeof details.reason === 'string' ? details.reason : null,
  };
}
