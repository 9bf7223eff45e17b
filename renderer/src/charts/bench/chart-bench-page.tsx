import { useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import type { SliSeries, SliSeriesPoint, StageMarker } from '../../../../shared/src/api-types';
import { mergeLivePoints } from '../live-points';
import { SliChart } from '../sli-chart';

// test/bench/chart-bench.ts drives this page: ten live charts, each fed one new point per
// update through the same bounded buffer the experiment view uses, rendered before the next.

const SERIES_COUNT = 10;
const START_MS = Date.UTC(2026, 10, 29, 9, 0, 0);
const MARKERS: StageMarker[] = [{ atMs: START_MS, stageIndex: 0, percent: 10, event: 'start' }];

function point(series: number, index: number): SliSeriesPoint {
  const control = 0.01 + 0.002 * Math.sin(index / 17 + series);
  const treatment = control * (1 + 0.05 * Math.cos(index / 29 + series));
  const samples = (index + 1) * 200;
  const spread = 0.3 / Math.sqrt(index + 1);
  return {
    atMs: START_MS + index * 1_000,
    stageIndex: 0,
    treatment,
    control,
    treatmentSamples: samples,
    controlSamples: samples,
    limits: [control * 1.1],
    band: [treatment * (1 - spread), treatment * (1 + spread)],
    verdict: index < 60 ? 'inconclusive' : 'pass',
  };
}

function baseSeries(index: number): SliSeries {
  return {
    sli: `sli_${index}`,
    description: `series ${index + 1} of ${SERIES_COUNT}`,
    unit: 'ratio',
    source: 'ratio',
    unavailable: null,
    action: 'pause',
    windowMs: 60_000,
    bounds: [{ bound: 'maxRelative', limit: 0.1, relative: true }],
    points: [],
    latest: null,
  };
}

interface BenchState {
  updates: number;
  series: SliSeries[];
}

let state: BenchState = {
  updates: 1,
  series: Array.from({ length: SERIES_COUNT }, (_, index) => ({
    ...baseSeries(index),
    points: [point(index, 0)],
  })),
};
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

function update(cap: number): void {
  const index = state.updates;
  state = {
    updates: index + 1,
    series: state.series.map((series, number) => ({
      ...series,
      points: mergeLivePoints(series.points, [point(number, index)], cap),
    })),
  };
  for (const listener of listeners) listener();
}

function Charts() {
  const { series, updates } = useSyncExternalStore(subscribe, () => state);
  const range: [number, number] = [
    Math.max(START_MS, START_MS + (updates - 1) * 1_000 - 10 * 60_000),
    START_MS + (updates - 1) * 1_000,
  ];
  return (
    <main style={{ display: 'grid', gridTemplateColumns: 'repeat(2, 480px)', gap: 8 }}>
      {series.map((one) => (
        <SliChart key={one.sli} series={one} markers={MARKERS} rangeMs={range} width={480} />
      ))}
    </main>
  );
}

const painted = (): Promise<void> =>
  new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

export interface ChartBenchControl {
  /**
   * Feeds `updates` points to every series, one update each `intervalMs`, each painted; says
   * how many points each series holds and how long each update took to render and paint.
   */
  run(
    updates: number,
    intervalMs: number,
    cap: number,
  ): Promise<{ pointsPerSeries: number[]; updateMs: number[] }>;
}

const control: ChartBenchControl = {
  async run(updates, intervalMs, cap) {
    const updateMs: number[] = [];
    for (let count = 0; count < updates; count++) {
      const started = performance.now();
      update(cap);
      await painted();
      const took = performance.now() - started;
      updateMs.push(took);
      if (intervalMs > took) await new Promise((resolve) => setTimeout(resolve, intervalMs - took));
    }
    return { pointsPerSeries: state.series.map((series) => series.points.length), updateMs };
  },
};
(globalThis as { chartBench?: ChartBenchControl }).chartBench = control;

createRoot(document.getElementById('root')!).render(<Charts />);
