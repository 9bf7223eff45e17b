import { describe, expect, it } from 'vitest';
import { RunwayError } from '../../../shared/src/errors';
import type { MetricPoint } from './metric-point';
import { parseOtlpMetricsJson } from './otlp-json';
import {
  armAttributes,
  keyValue,
  otlpFixture,
  START_MS,
  TIME_MS,
  type OtlpFixture,
} from './otlp-test-fixtures';

const SCOPE1 = 'resourceMetrics[0].scopeMetrics[1]';
const HISTOGRAM = `${SCOPE1}.metrics[1].histogram`;
const SUM = `${SCOPE1}.metrics[2].sum`;

function refusal(body: unknown, options = {}): RunwayError {
  try {
    parseOtlpMetricsJson(body, options);
  } catch (error) {
    if (error instanceof RunwayError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

/** The fixture's resource attributes besides service.name: part of every point's series. */
const SDK_ATTRIBUTES = {
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '1.30.1',
};

describe('parseOtlpMetricsJson: a valid export', () => {
  it('turns gauges, a cumulative histogram and a monotonic sum into Runway points', () => {
    const result = parseOtlpMetricsJson(otlpFixture().body);
    expect(result.rejected).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.points).toHaveLength(8);
    const common = {
      service: 'checkout',
      experiment: 'checkout-redesign',
      timeUnixMs: TIME_MS,
      startTimeUnixMs: START_MS,
    };
    expect(result.points[0]).toEqual<MetricPoint>({
      ...common,
      variant: 'treatment',
      metric: 'process.cpu.utilization',
      kind: 'gauge',
      temporality: null,
      monotonic: false,
      value: 0.42,
      attributes: { ...SDK_ATTRIBUTES },
    });
    expect(result.points[1]).toMatchObject({
      metric: 'queue.depth',
      variant: 'control',
      value: 17,
      attributes: { ...SDK_ATTRIBUTES, queue: 'payments' },
    });
    expect(result.points[2]).toEqual<MetricPoint>({
      ...common,
      variant: 'treatment',
      metric: 'http.server.request.duration',
      kind: 'histogram',
      temporality: 'cumulative',
      monotonic: false,
      count: 10,
      sum: 1234.5,
      min: 12,
      max: 480,
      bucketCounts: [1, 4, 3, 2],
      explicitBounds: [50, 100, 250],
      attributes: {
        ...SDK_ATTRIBUTES,
        'http.route': '/cart',
        'http.response.status_code': '200',
      },
    });
    expect(result.points[4]).toEqual<MetricPoint>({
      ...common,
      variant: 'treatment',
      metric: 'checkout.orders',
      kind: 'sum',
      temporality: 'cumulative',
      monotonic: true,
      value: 1042,
      attributes: { ...SDK_ATTRIBUTES, outcome: 'ok' },
    });
    expect(result.points.map((point) => point.experiment)).toContain('search-ranking');
  });

  it('converts nanoseconds to milliseconds exactly, from strings and from numbers', () => {
    const fixture = otlpFixture();
    const [first, second] = fixture.sumPoints as [Record<string, unknown>, Record<string, unknown>];
    // As a float, 1767268860123999999 / 1e6 rounds up to ...124.
    first.timeUnixNano = '1767268860123999999';
    second.timeUnixNano = 1_767_268_860_000_000_000;
    first.startTimeUnixNano = second.startTimeUnixNano = '0'; // the protobuf default: not set
    const sums = parseOtlpMetricsJson(fixture.body).points.filter((p) => p.kind === 'sum');
    expect(sums[0]).toMatchObject({ timeUnixMs: 1_767_268_860_123, startTimeUnixMs: null });
    expect(sums[1]).toMatchObject({ timeUnixMs: 1_767_268_860_000, startTimeUnixMs: null });
  });

  it('takes the experiment arm from the resource when the point does not carry it', () => {
    const fixture = otlpFixture();
    (fixture.resource.attributes as unknown[]).push(...armAttributes('canary-pool', 'control'));
    fixture.cpuGauge.attributes = [keyValue('cpu', 0n)];
    const [gauge] = parseOtlpMetricsJson(fixture.body).points;
    expect(gauge).toMatchObject({ experiment: 'canary-pool', variant: 'control' });
    // The resource's other attributes identify the series too; runway.* and service.name do not.
    expect(gauge?.attributes).toEqual({ ...SDK_ATTRIBUTES, cpu: '0' });
  });

  it('stringifies every AnyValue form among the other attributes', () => {
    const fixture = otlpFixture();
    fixture.cpuGauge.attributes = [
      ...armAttributes(),
      keyValue('name', 'eu-1'),
      keyValue('core', 3n),
      keyValue('ratio', 0.5),
      keyValue('hot', true),
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
      { key: 'empty', value: {} },
    ];
    expect(parseOtlpMetricsJson(fixture.body).points[0]?.attributes).toEqual({
      ...SDK_ATTRIBUTES,
      name: 'eu-1',
      core: '3',
      ratio: '0.5',
      hot: 'true',
      tags: '["a","2"]',
      empty: '',
    });
  });

  it('accepts delta sums, non-monotonic sums and enum names', () => {
    const fixture = otlpFixture();
    fixture.sum.aggregationTemporality = 'AGGREGATION_TEMPORALITY_DELTA';
    fixture.sum.isMonotonic = false;
    fixture.sumPoints[0]!.asInt = '-3';
    fixture.histogram.aggregationTemporality = 1;
    const { points, rejected } = parseOtlpMetricsJson(fixture.body);
    expect(rejected).toBe(0);
    expect(points.find((p) => p.kind === 'sum')).toMatchObject({
      temporality: 'delta',
      monotonic: false,
      value: -3,
    });
    expect(points.find((p) => p.kind === 'histogram')?.temporality).toBe('delta');
  });

  it('accepts a histogram with no buckets (count and sum only)', () => {
    const fixture = otlpFixture();
    const point = fixture.histogramPoints[0]!;
    delete point.bucketCounts;
    delete point.explicitBounds;
    const { points, rejected } = parseOtlpMetricsJson(fixture.body);
    expect(rejected).toBe(0);
    expect(points[2]).toMatchObject({ count: 10, bucketCounts: [], explicitBounds: [] });
  });

  it('skips points flagged as having no recorded value without rejecting them', () => {
    const fixture = otlpFixture();
    fixture.cpuGauge.flags = 1;
    delete fixture.cpuGauge.asDouble;
    const result = parseOtlpMetricsJson(fixture.body);
    expect(result).toMatchObject({ rejected: 0, problems: [] });
    expect(result.points).toHaveLength(7);
  });

  it('treats an empty request as empty, as protobuf JSON does', () => {
    expect(parseOtlpMetricsJson({})).toEqual({ points: [], rejected: 0, problems: [] });
    expect(parseOtlpMetricsJson({ resourceMetrics: null })).toEqual({
      points: [],
      rejected: 0,
      problems: [],
    });
  });
});

const envelopeBreakages: [name: string, body: (fixture: OtlpFixture) => unknown, path: string][] = [
  ['an array body', () => [], ''],
  ['a string body', () => 'resourceMetrics', ''],
  ['a null body', () => null, ''],
  ['resourceMetrics as an object', () => ({ resourceMetrics: {} }), 'resourceMetrics'],
  ['a resource that is a string', () => ({ resourceMetrics: ['checkout'] }), 'resourceMetrics[0]'],
  [
    'resource attributes as a map',
    (f) => {
      f.resource.attributes = { 'service.name': 'checkout' };
      return f.body;
    },
    'resourceMetrics[0].resource.attributes',
  ],
  [
    'a resource attribute without a key',
    (f) => {
      f.resource.attributes = [{ value: { stringValue: 'x' } }];
      return f.body;
    },
    'resourceMetrics[0].resource.attributes[0].key',
  ],
  [
    'scopeMetrics as a string',
    () => ({ resourceMetrics: [{ scopeMetrics: 'x' }] }),
    'resourceMetrics[0].scopeMetrics',
  ],
  [
    'a metric that is a number',
    (f) => {
      f.checkoutMetrics[2] = 3;
      return f.body;
    },
    `${SCOPE1}.metrics[2]`,
  ],
  [
    'a numeric metric name',
    (f) => {
      (f.checkoutMetrics[2] as Record<string, unknown>).name = 42;
      return f.body;
    },
    `${SCOPE1}.metrics[2].name`,
  ],
  [
    'a sum that is a list',
    (f) => {
      (f.checkoutMetrics[2] as Record<string, unknown>).sum = [];
      return f.body;
    },
    `${SCOPE1}.metrics[2].sum`,
  ],
  [
    'dataPoints as an object',
    (f) => {
      f.sum.dataPoints = { 0: {} };
      return f.body;
    },
    `${SUM}.dataPoints`,
  ],
  [
    'isMonotonic as a string',
    (f) => {
      f.sum.isMonotonic = 'yes';
      return f.body;
    },
    `${SUM}.isMonotonic`,
  ],
  [
    'temporality as a boolean',
    (f) => {
      f.histogram.aggregationTemporality = true;
      return f.body;
    },
    `${HISTOGRAM}.aggregationTemporality`,
  ],
  [
    'a metric with two kinds of data',
    (f) => {
      (f.checkoutMetrics[2] as Record<string, unknown>).gauge = { dataPoints: [] };
      return f.body;
    },
    `${SCOPE1}.metrics[2]`,
  ],
];

describe('parseOtlpMetricsJson: an envelope that is not OTLP', () => {
  it.each(envelopeBreakages)('refuses %s with BAD_REQUEST naming the path', (_name, body, path) => {
    const error = refusal(body(otlpFixture()));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });

  it('lists every envelope problem at once', () => {
    const error = refusal({ resourceMetrics: [1, { scopeMetrics: {} }, { resource: 'x' }] });
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'resourceMetrics[0]',
      'resourceMetrics[1].scopeMetrics',
      'resourceMetrics[2].resource',
    ]);
  });
});

describe('parseOtlpMetricsJson: maxDataPoints', () => {
  it('refuses a request with more points than allowed, before judging any of them', () => {
    const fixture = otlpFixture();
    fixture.cpuGauge.asDouble = 'NaN';
    const error = refusal(fixture.body, { maxDataPoints: 7 });
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.issues).toEqual([
      { path: 'resourceMetrics', message: expect.stringMatching(/8 data points; at most 7/) },
    ]);
    expect(error.details).toEqual({ dataPoints: 8, maxDataPoints: 7 });
  });

  it('accepts exactly maxDataPoints points', () => {
    expect(parseOtlpMetricsJson(otlpFixture().body, { maxDataPoints: 8 }).points).toHaveLength(8);
  });
});
