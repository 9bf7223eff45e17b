import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import type { Rollup } from '../telemetry/rollup';
import { aggregateRollups } from '../telemetry/telemetry-aggregate';
import { evaluateGuardrail } from './evaluate-guardrail';
import { histogramQuantile } from './histogram-estimates';
import {
  chooseSegments,
  cumulativeTelemetry,
  latestVerdict,
  planCuts,
  seriesPoints,
  type EvidenceSegment,
} from './sli-series';
import { armAggregate } from './sli-aggregate';
import type { SliAggregate } from './sli-estimates';

const WINDOW_MS = 10_000;

function sumRollup(metric: string, windowStartMs: number, value: number): Rollup {
  return {
    experiment: 'x',
    variant: 'treatment',
    metric,
    windowStartMs,
    service: 'checkout',
    kind: 'sum',
    explicitBoundsJson: '[]',
    pointCount: 1,
    valueSum: value,
    observationCount: 0,
    summedCount: 0,
    minValue: null,
    maxValue: null,
    lastValue: null,
    lastTimeMs: null,
    bucketCounts: [],
  };
}

function histogramRollup(windowStartMs: number, bounds: number[], counts: number[]): Rollup {
  const count = counts.reduce((total, each) => total + each, 0);
  return {
    ...sumRollup('latency', windowStartMs, count * 50),
    kind: 'histogram',
    explicitBoundsJson: JSON.stringify(bounds),
    observationCount: count,
    summedCount: count,
    minValue: 1,
    maxValue: 900,
    bucketCounts: counts,
  };
}

const segment = (atMs: number, stageIndex: number, event: EvidenceSegment['event'] = 'advance') =>
  ({ atMs, stageIndex, percent: (stageIndex + 1) * 10, event }) satisfies EvidenceSegment;

describe('chooseSegments', () => {
  const segments = [segment(1_000, 0, 'start'), segment(60_000, 1), segment(120_000, 2)];

  it('charts the current stage unless asked for more', () => {
    expect(chooseSegments(segments, undefined)).toEqual([segments[2]]);
  });

  it('starts at the stage under way at sinceMs, or at the first stage', () => {
    expect(chooseSegments(segments, 90_000)).toEqual(segments.slice(1));
    expect(chooseSegments(segments, 60_000)).toEqual(segments.slice(1));
    expect(chooseSegments(segments, 0)).toEqual(segments);
    expect(chooseSegments([], 0)).toEqual([]);
  });
});

describe('planCuts', () => {
  it('plots one point per rollup window and one at now, from the window the stage began in', () => {
    const plan = planCuts([segment(1_000, 0, 'start')], 35_000, WINDOW_MS);
    expect(plan.bucketMs).toBe(WINDOW_MS);
    expect(plan.cuts.map((cut) => [cut.segmentStartMs, cut.atMs, cut.inclusive])).toEqual([
      [0, 10_000, false],
      [0, 20_000, false],
      [0, 30_000, false],
      [0, 35_000, true],
    ]);
  });

  it('coarsens to whole multiples of the window so a long range stays near maxPoints', () => {
    const day = 24 * 60 * 60 * 1_000;
    const plan = planCuts([segment(0, 0, 'start')], day, WINDOW_MS, 300);
    expect(plan.bucketMs % WINDOW_MS).toBe(0);
    expect(plan.cuts.length).toBeLessThanOrEqual(301);
    expect(plan.cuts.length).toBeGreaterThan(250);
  });

  it('restarts the evidence at each stage change and ends each stage where the next begins', () => {
    const plan = planCuts(
      [segment(0, 0, 'start'), segment(25_000, 1), segment(25_000, 1, 'resume')],
      42_000,
      WINDOW_MS,
    );
    expect(plan.cuts.map((cut) => [cut.stageIndex, cut.segmentStartMs, cut.atMs])).toEqual([
      [0, 0, 10_000],
      [0, 0, 20_000],
      [0, 0, 25_000],
      // the advance, cut short by a resume in the same millisecond, shows nothing
      [1, 20_000, 30_000],
      [1, 20_000, 40_000],
      [1, 20_000, 42_000],
    ]);
  });

  it('has nothing to plot before the experiment starts', () => {
    expect(planCuts([], 1_000, WINDOW_MS).cuts).toEqual([]);
  });
});

describe('cumulativeTelemetry', () => {
  it('equals the engine read of every window from the segment start to each cut', () => {
    const rollupArbitrary = fc.record({
      window: fc.integer({ min: 0, max: 30 }),
      value: fc.integer({ min: 0, max: 1_000 }),
      histogram: fc.boolean(),
      wideBuckets: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(rollupArbitrary, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 320_000 }),
        (specs, starts, extra) => {
          const rollups = specs.map(({ window, value, histogram, wideBuckets }) =>
            histogram
              ? histogramRollup(
                  window * WINDOW_MS,
                  wideBuckets ? [100, 1_000] : [10, 100, 1_000],
                  wideBuckets ? [value, 1, 2] : [value, 1, 2, 3],
                )
              : sumRollup('m', window * WINDOW_MS, value),
          );
          const sortedStarts = [...new Set(starts)].sort((a, b) => a - b);
          const segments = sortedStarts.map((atMs, index) => segment(atMs, index));
          const toMs = sortedStarts[sortedStarts.length - 1]! + extra;
          const { cuts } = planCuts(segments, toMs, WINDOW_MS, 20);
          const cumulative = cumulativeTelemetry(rollups, cuts);
          cuts.forEach((cut, index) => {
            const expected = aggregateRollups(
              rollups.filter(
                (rollup) =>
                  rollup.windowStartMs >= cut.segmentStartMs &&
                  (cut.inclusive
                    ? rollup.windowStartMs <= cut.atMs
                    : rollup.windowStartMs < cut.atMs),
              ),
            );
            const actual = cumulative[index]!;
            expect(actual.sum?.total).toBe(expected.sum?.total);
            expect(actual.histogram?.bucketCounts).toEqual(expected.histogram?.bucketCounts);
            expect(actual.histogram?.count).toBe(expected.histogram?.count);
            expect(actual.histogram?.otherBoundsCount).toBe(expected.histogram?.otherBoundsCount);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('aggregateRollups with histograms of different bounds', () => {
  it('picks the same bounds on a tie in observations, whatever order the rollups come in', () => {
    // 874 observations under each set of bounds (a counterexample fast-check once found).
    const narrow = [
      histogramRollup(10_000, [10, 100, 1_000], [22, 1, 2, 3]),
      histogramRollup(0, [10, 100, 1_000], [840, 1, 2, 3]),
    ];
    const wide = [
      histogramRollup(0, [100, 1_000], [864, 1, 2]),
      histogramRollup(0, [100, 1_000], [4, 1, 2]),
    ];
    const orders = [
      [...narrow, ...wide],
      [...wide, ...narrow],
      [wide[0]!, narrow[1]!, wide[1]!, narrow[0]!],
    ];
    const chosen = orders.map((rollups) => aggregateRollups(rollups).histogram);
    for (const histogram of chosen) {
      expect(histogram).toEqual(chosen[0]);
      expect(histogram?.count).toBe(874);
      expect(histogram?.otherBoundsCount).toBe(874);
    }
  });
});

describe('armAggregate', () => {
  it('reads a ratio as numerator over denominator and a quantile from the histogram', () => {
    const [errors, requests] = [
      cumulativeTelemetry(
        [sumRollup('errors', 0, 3)],
        [{ segmentStartMs: 0, atMs: 5, inclusive: true, stageIndex: 0 }],
      ),
      cumulativeTelemetry(
        [sumRollup('requests', 0, 300)],
        [{ segmentStartMs: 0, atMs: 5, inclusive: true, stageIndex: 0 }],
      ),
    ];
    const ratio = armAggregate(
      { kind: 'ratio', numeratorMetric: 'errors', denominatorMetric: 'requests' },
      (metric) => (metric === 'errors' ? errors[0]! : requests[0]!),
    );
    expect(ratio).toEqual({ kind: 'ratio', successes: 3, trials: 300 });

    const latency = aggregateRollups([histogramRollup(0, [10, 100], [5, 90, 5])]);
    const quantile = armAggregate(
      { kind: 'quantile', metric: 'latency', quantile: 0.95 },
      () => latency,
    );
    expect(quantile).toEqual(histogramQuantile(latency.histogram, 0.95));
  });
});

describe('seriesPoints', () => {
  const cuts = [
    { segmentStartMs: 0, atMs: 10_000, inclusive: false, stageIndex: 0 },
    { segmentStartMs: 0, atMs: 20_000, inclusive: true, stageIndex: 0 },
  ];
  const ratio = (successes: number, trials: number): SliAggregate => ({
    kind: 'ratio',
    successes,
    trials,
  });

  it('plots each arm, an absolute bound as a flat line, and the engine interval and verdict', () => {
    const guardrail: Guardrail = {
      sli: 'error_rate',
      max: 0.02,
      windowMs: 60_000,
      action: 'rollback',
    };
    const treatment = [ratio(0, 0), ratio(40, 4_000)];
    const control = [ratio(0, 0), ratio(20, 4_000)];
    const points = seriesPoints(guardrail, cuts, treatment, control);
    expect(points[0]).toMatchObject({
      treatment: null,
      control: null,
      treatmentSamples: 0,
      verdict: 'no_data',
      band: null,
      limits: [0.02],
    });
    const engine = evaluateGuardrail(guardrail, treatment[1]!, control[1]!);
    expect(points[1]).toEqual({
      atMs: 20_000,
      stageIndex: 0,
      treatment: 0.01,
      control: 0.005,
      treatmentSamples: 4_000,
      controlSamples: 4_000,
      limits: [0.02],
      band: engine.interval,
      verdict: engine.verdict,
    });
    expect(points[1]!.verdict).toBe('pass');
  });

  it('applies a relative bound and its interval to control, in the SLI unit', () => {
    const guardrail: Guardrail = {
      sli: 'error_rate',
      maxRelative: 0.1,
      windowMs: 60_000,
      action: 'pause',
    };
    const treatment = [ratio(10, 1_000), ratio(400, 20_000)];
    const control = [ratio(10, 1_000), ratio(200, 20_000)];
    const [, last] = seriesPoints(guardrail, cuts, treatment, control);
    expect(last!.limits[0]).toBeCloseTo(0.011, 12);
    const [low, high] = evaluateGuardrail(guardrail, treatment[1]!, control[1]!).interval!;
    expect(last!.band![0]).toBeCloseTo(0.01 * (1 + low), 12);
    expect(last!.band![1]).toBeCloseTo(0.01 * (1 + high), 12);
    // treatment errs at twice control: the whole band lies above the limit, and it fails
    expect(last!.band![0]).toBeGreaterThan(last!.limits[0]!);
    expect(last!.verdict).toBe('fail');
  });
});

describe('latestVerdict', () => {
  it('keeps what the engine recorded and drops what is not a number', () => {
    expect(latestVerdict(null)).toBeNull();
    expect(
      latestVerdict({
        verdict: 'inconclusive',
        stageIndex: 1,
        evaluatedAtMs: 5,
        details: {
          bound: 'maxRelative',
          limit: 0.1,
          estimate: null,
          interval: [0.01, null],
          samples: { treatment: 10, control: 12 },
          reason: 'error_rate: 10 of 200 samples',
        },
      }),
    ).toEqual({
      verdict: 'inconclusive',
      stageIndex: 1,
      evaluatedAtMs: 5,
      bound: 'maxRelative',
      limit: 0.1,
      estimate: null,
      interval: null,
      samples: { treatment: 10, control: 12 },
      reason: 'error_rate: 10 of 200 samples',
    });
  });
});
