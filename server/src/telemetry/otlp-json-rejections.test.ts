import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, parseOtlpMetricsJson } from './otlp-json';
import { armAttributes, keyValue, otlpFixture, type OtlpFixture } from './otlp-test-fixtures';

// Bad points and bad metrics among good ones: each is rejected and counted on its own, with a
// problem naming its path, and every other point of the same export is kept.

const SCOPE1 = 'resourceMetrics[0].scopeMetrics[1]';
const HISTOGRAM = `${SCOPE1}.metrics[1].histogram`;
const SUM = `${SCOPE1}.metrics[2].sum`;
type Breakage = [
  name: string,
  breakIt: (fixture: OtlpFixture) => void,
  path: string,
  message: RegExp,
];

const point = (fixture: OtlpFixture, index: number): Record<string, unknown> =>
  fixture.sumPoints[index]!;
const bucket = (fixture: OtlpFixture): Record<string, unknown> => fixture.histogramPoints[1]!;

const pointBreakages: Breakage[] = [
  [
    'asInt of the wrong type',
    (f) => (point(f, 3).asInt = true),
    `${SUM}.dataPoints[3].asInt`,
    /must be an integer/,
  ],
  [
    'a fractional asInt',
    (f) => (point(f, 3).asInt = '12.5'),
    `${SUM}.dataPoints[3].asInt`,
    /must be an integer/,
  ],
  [
    'an asInt beyond int64',
    (f) => (point(f, 3).asInt = '9223372036854775808'),
    `${SUM}.dataPoints[3].asInt`,
    /out of range/,
  ],
  [
    'a NaN asDouble',
    (f) => {
      delete point(f, 3).asInt;
      point(f, 3).asDouble = 'NaN';
    },
    `${SUM}.dataPoints[3].asDouble`,
    /finite.*NaN/,
  ],
  [
    'an infinite gauge',
    (f) => (f.cpuGauge.asDouble = 'Infinity'),
    'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble',
    /finite.*Infinity/,
  ],
  [
    'a string asDouble',
    (f) => (f.cpuGauge.asDouble = 'high'),
    'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble',
    /must be a number/,
  ],
  ['no value', (f) => delete point(f, 3).asInt, `${SUM}.dataPoints[3]`, /has no value/],
  [
    'two values',
    (f) => (point(f, 3).asDouble = 1),
    `${SUM}.dataPoints[3]`,
    /both asInt and asDouble/,
  ],
  [
    'a negative value in a monotonic sum',
    (f) => (point(f, 3).asInt = '-1'),
    `${SUM}.dataPoints[3].asInt`,
    /negative in a monotonic sum/,
  ],
  [
    'a missing timeUnixNano',
    (f) => delete point(f, 3).timeUnixNano,
    `${SUM}.dataPoints[3].timeUnixNano`,
    /is missing/,
  ],
  [
    'a zero timeUnixNano',
    (f) => (point(f, 3).timeUnixNano = '0'),
    `${SUM}.dataPoints[3].timeUnixNano`,
    /is missing/,
  ],
  [
    'a garbled timeUnixNano',
    (f) => (point(f, 3).timeUnixNano = '2026-01-01'),
    `${SUM}.dataPoints[3].timeUnixNano`,
    /must be an integer/,
  ],
  [
    'a timeUnixNano beyond uint64',
    (f) => (point(f, 3).timeUnixNano = '18446744073709551616'),
    `${SUM}.dataPoints[3].timeUnixNano`,
    /out of range/,
  ],
  [
    'a start after the time',
    (f) => (point(f, 3).startTimeUnixNano = '1767268860123456790'),
    `${SUM}.dataPoints[3].startTimeUnixNano`,
    /after timeUnixNano/,
  ],
  [
    'a point that is not an object',
    (f) => (f.sum.dataPoints as unknown[]).splice(3, 1, 'x'),
    `${SUM}.dataPoints[3]`,
    /must be an object/,
  ],
  [
    'flags of the wrong type',
    (f) => (point(f, 3).flags = 'none'),
    `${SUM}.dataPoints[3].flags`,
    /non-negative integer/,
  ],
  [
    'a malformed attribute value',
    (f) => (point(f, 3).attributes = [...armAttributes(), { key: 'k', value: { stringValue: 5 } }]),
    `${SUM}.dataPoints[3].attributes[2].value`,
    /stringValue must be a string/,
  ],
  [
    'attributes that are not a list',
    (f) => (point(f, 3).attributes = { a: 1 }),
    `${SUM}.dataPoints[3].attributes`,
    /must be an array/,
  ],
  [
    'no runway.experiment',
    (f) => (point(f, 3).attributes = [keyValue('runway.variant', 'control')]),
    `${SUM}.dataPoints[3].attributes`,
    /no runway\.experiment attribute.*not Runway telemetry/,
  ],
  [
    'no runway.variant',
    (f) => (point(f, 3).attributes = [keyValue('runway.experiment', 'x')]),
    `${SUM}.dataPoints[3].attributes`,
    /no runway\.variant attribute/,
  ],
  [
    'an unknown variant',
    (f) => (point(f, 3).attributes = armAttributes('x', 'canary')),
    `${SUM}.dataPoints[3].attributes`,
    /'treatment' or 'control', got "canary"/,
  ],
  [
    'a non-string experiment',
    (f) =>
      (point(f, 3).attributes = [
        keyValue('runway.experiment', 4n),
        keyValue('runway.variant', 'control'),
      ]),
    `${SUM}.dataPoints[3].attributes`,
    /runway\.experiment must be a non-empty stringValue/,
  ],
  [
    'one count too few buckets',
    (f) => (bucket(f).bucketCounts = ['1', '4', '5']),
    `${HISTOGRAM}.dataPoints[1].bucketCounts`,
    /3 counts for 3 explicitBounds; expected 4/,
  ],
  [
    'bounds without buckets',
    (f) => (bucket(f).bucketCounts = []),
    `${HISTOGRAM}.dataPoints[1].bucketCounts`,
    /0 counts for 3 explicitBounds/,
  ],
  [
    'buckets not summing to count',
    (f) => (bucket(f).count = '11'),
    `${HISTOGRAM}.dataPoints[1].count`,
    /is 11 but bucketCounts sum to 10/,
  ],
  [
    'non-increasing bounds',
    (f) => (bucket(f).explicitBounds = [50, 250, 250]),
    `${HISTOGRAM}.dataPoints[1].explicitBounds[2]`,
    /strictly increasing/,
  ],
  [
    'an infinite bound',
    (f) => (bucket(f).explicitBounds = [50, 100, 'Infinity']),
    `${HISTOGRAM}.dataPoints[1].explicitBounds[2]`,
    /finite/,
  ],
  [
    'a negative count',
    (f) => (bucket(f).count = '-1'),
    `${HISTOGRAM}.dataPoints[1].count`,
    /must not be negative/,
  ],
  [
    'a negative bucket count',
    (f) => (bucket(f).bucketCounts = ['1', '-4', '3', '2']),
    `${HISTOGRAM}.dataPoints[1].bucketCounts[1]`,
    /must not be negative/,
  ],
  [
    'a NaN histogram sum',
    (f) => (bucket(f).sum = 'NaN'),
    `${HISTOGRAM}.dataPoints[1].sum`,
    /finite/,
  ],
  [
    'min above max',
    (f) => (bucket(f).min = 500),
    `${HISTOGRAM}.dataPoints[1].min`,
    /greater than max/,
  ],
];

describe('parseOtlpMetricsJson: one bad point among good ones', () => {
  it.each(pointBreakages)('rejects %s and keeps the rest', (_name, breakIt, path, message) => {
    const fixture = otlpFixture();
    breakIt(fixture);
    const result = parseOtlpMetricsJson(fixture.body);
    expect(result.rejected).toBe(1);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe(path);
    expect(result.problems[0]?.message).toMatch(message);
    expect(result.points).toHaveLength(7);
  });
});

const metricBreakages: [...Breakage, rejected: number][] = [
  [
    'an unknown temporality',
    (f) => (f.sum.aggregationTemporality = 7),
    `${SUM}.aggregationTemporality`,
    /7, not a known AggregationTemporality/,
    4,
  ],
  [
    'an unknown temporality name',
    (f) => (f.sum.aggregationTemporality = 'SOMETIMES'),
    `${SUM}.aggregationTemporality`,
    /not a known/,
    4,
  ],
  [
    'an unspecified sum temporality',
    (f) => (f.sum.aggregationTemporality = 0),
    `${SUM}.aggregationTemporality`,
    /UNSPECIFIED; a sum must be delta/,
    4,
  ],
  [
    'a histogram without temporality',
    (f) => delete f.histogram.aggregationTemporality,
    `${HISTOGRAM}.aggregationTemporality`,
    /UNSPECIFIED; a histogram/,
    2,
  ],
  [
    'a metric without a name',
    (f) => ((f.checkoutMetrics[2] as Record<string, unknown>).name = ''),
    `${SCOPE1}.metrics[2].name`,
    /is missing; 4 data points rejected/,
    4,
  ],
  [
    'a resource without service.name',
    (f) => (f.resource.attributes = []),
    'resourceMetrics[0].resource.attributes',
    /no service\.name/,
    8,
  ],
];

describe('parseOtlpMetricsJson: a bad metric among good ones', () => {
  it.each(metricBreakages)(
    'rejects every point of %s',
    (_name, breakIt, path, message, rejected) => {
      const fixture = otlpFixture();
      breakIt(fixture);
      const result = parseOtlpMetricsJson(fixture.body);
      expect(result.rejected).toBe(rejected);
      expect(result.problems).toEqual([{ path, message: expect.stringMatching(message) }]);
      expect(result.points).toHaveLength(8 - rejected);
    },
  );

  it('rejects the points of unsupported kinds, with the kind in the path', () => {
    const fixture = otlpFixture();
    const metrics = fixture.checkoutMetrics;
    metrics.push(
      {
        name: 'latency',
        exponentialHistogram: { dataPoints: [{}, {}], aggregationTemporality: 1 },
      },
      { name: 'legacy', summary: { dataPoints: [{}] } },
      { name: 'empty' },
    );
    const result = parseOtlpMetricsJson(fixture.body);
    expect(result.rejected).toBe(3);
    expect(result.points).toHaveLength(8);
    expect(result.problems.map((problem) => problem.path)).toEqual([
      `${SCOPE1}.metrics[3].exponentialHistogram`,
      `${SCOPE1}.metrics[4].summary`,
      `${SCOPE1}.metrics[5]`,
    ]);
    expect(result.problems[2]?.message).toMatch(/no gauge, sum or histogram/);
  });

  it('counts every rejected point but keeps at most MAX_PROBLEMS problems', () => {
    const fixture = otlpFixture();
    const bad = Array.from({ length: 150 }, () => ({ timeUnixNano: '1' }));
    fixture.sum.dataPoints = [...fixture.sumPoints, ...bad];
    const result = parseOtlpMetricsJson(fixture.body);
    expect(result.rejected).toBe(150);
    expect(result.problems).toHaveLength(MAX_PROBLEMS);
    expect(result.points).toHaveLength(8);
  });
});
