import type { SliSeries, SliSeriesPoint, StageMarker } from '../../../../shared/src/api-types';

// Test and benchmark data: a guardrail's series as experiments.sliSeries returns it.

export const SAMPLE_START_MS = Date.UTC(2026, 10, 29, 9, 0, 0);

/** `count` points 10 s apart: treatment erring a little above control, a relative bound. */
export function samplePoints(count: number, startMs: number = SAMPLE_START_MS): SliSeriesPoint[] {
  return Array.from({ length: count }, (_, index) => {
    const samples = (index + 1) * 500;
    const control = 0.01 + 0.001 * Math.sin(index / 5);
    const treatment = control * 1.05;
    const spread = 0.02 / Math.sqrt(index + 1);
    return {
      atMs: startMs + (index + 1) * 10_000,
      stageIndex: 1,
      treatment,
      control,
      treatmentSamples: samples,
      controlSamples: samples,
      limits: [control * 1.1],
      band: [treatment * (1 - spread), treatment * (1 + spread)],
      verdict: index < 3 ? 'inconclusive' : 'pass',
    };
  });
}

export function sampleSeries(points: SliSeriesPoint[] = samplePoints(30)): SliSeries {
  return {
    sli: 'error_rate',
    description: 'failed requests / all requests',
    unit: 'ratio',
    source: 'ratio',
    unavailable: null,
    action: 'rollback',
    windowMs: 60_000,
    bounds: [{ bound: 'maxRelative', limit: 0.1, relative: true }],
    points,
    latest: null,
  };
}

export const SAMPLE_MARKERS: StageMarker[] = [
  { atMs: SAMPLE_START_MS, stageIndex: 1, percent: 25, event: 'advance' },
];
