// An export as the OpenTelemetry JS SDK's OTLP/HTTP JSON exporter sends it (int64 as strings,
// defaults written out, exemplars and schema URLs present), for the telemetry tests. Each call
// builds fresh objects, and hands back the points so a test can break one of them.

type JsonObject = Record<string, unknown>;

export const START_NANOS = '1767268800000000000'; // 2026-01-01T12:00:00Z
export const START_MS = 1_767_268_800_000;
export const TIME_NANOS = '1767268860123456789'; // a minute and 123.456789 ms later
export const TIME_MS = 1_767_268_860_123;

export function keyValue(key: string, value: unknown): JsonObject {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'bigint') return { key, value: { intValue: value.toString() } };
  return { key, value: { doubleValue: value } };
}

export function armAttributes(
  experiment = 'checkout-redesign',
  variant = 'treatment',
): JsonObject[] {
  return [keyValue('runway.experiment', experiment), keyValue('runway.variant', variant)];
}

function numberPoint(value: JsonObject, attributes: JsonObject[]): JsonObject {
  return {
    attributes,
    startTimeUnixNano: START_NANOS,
    timeUnixNano: TIME_NANOS,
    exemplars: [],
    flags: 0,
    ...value,
  };
}

export interface OtlpFixture {
  body: JsonObject;
  /** resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0] */
  cpuGauge: JsonObject;
  /** resourceMetrics[0].scopeMetrics[1].metrics[0].gauge.dataPoints[0] */
  queueGauge: JsonObject;
  /** resourceMetrics[0].scopeMetrics[1].metrics[1].histogram.dataPoints[0..1] */
  histogramPoints: JsonObject[];
  /** resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[0..3] */
  sumPoints: JsonObject[];
  resource: JsonObject;
  /** resourceMetrics[0].scopeMetrics[1].metrics: queue gauge, histogram, sum */
  checkoutMetrics: unknown[];
  sum: JsonObject;
  histogram: JsonObject;
}

/** Eight valid points: two gauges, two histogram points, four sum points. */
export function otlpFixture(): OtlpFixture {
  const cpuGauge = numberPoint({ asDouble: 0.42 }, armAttributes());
  const queueGauge = numberPoint({ asInt: '17' }, [
    ...armAttributes('checkout-redesign', 'control'),
    keyValue('queue', 'payments'),
  ]);
  const histogramPoints = ['treatment', 'control'].map((variant) => ({
    attributes: [
      ...armAttributes('checkout-redesign', variant),
      keyValue('http.route', '/cart'),
      keyValue('http.response.status_code', 200n),
    ],
    startTimeUnixNano: START_NANOS,
    timeUnixNano: TIME_NANOS,
    count: '10',
    sum: 1234.5,
    bucketCounts: ['1', '4', '3', '2'],
    explicitBounds: [50, 100, 250],
    exemplars: [],
    flags: 0,
    min: 12,
    max: 480,
  }));
  const sumPoints = [
    numberPoint({ asInt: '1042' }, [...armAttributes(), keyValue('outcome', 'ok')]),
    numberPoint({ asInt: '7' }, [...armAttributes(), keyValue('outcome', 'error')]),
    numberPoint({ asInt: '998' }, [...armAttributes('checkout-redesign', 'control')]),
    numberPoint({ asInt: '12' }, [...armAttributes('search-ranking', 'control')]),
  ];
  const sum = { dataPoints: sumPoints, aggregationTemporality: 2, isMonotonic: true };
  const histogram = { dataPoints: histogramPoints, aggregationTemporality: 2 };
  const resource = {
    attributes: [
      keyValue('service.name', 'checkout'),
      keyValue('telemetry.sdk.language', 'nodejs'),
      keyValue('telemetry.sdk.name', 'opentelemetry'),
      keyValue('telemetry.sdk.version', '1.30.1'),
    ],
    droppedAttributesCount: 0,
  };
  const checkoutMetrics: unknown[] = [
    {
      name: 'queue.depth',
      description: '',
      unit: '{job}',
      gauge: { dataPoints: [queueGauge] },
    },
    { name: 'http.server.request.duration', description: '', unit: 'ms', histogram },
    { name: 'checkout.orders', description: 'Orders placed', unit: '{order}', sum },
  ];
  const body = {
    resourceMetrics: [
      {
        resource,
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: '@opentelemetry/host-metrics', version: '0.35.0' },
            metrics: [
              {
                name: 'process.cpu.utilization',
                description: '',
                unit: '1',
                gauge: { dataPoints: [cpuGauge] },
              },
            ],
            schemaUrl: '',
          },
          {
            scope: { name: 'checkout', version: '' },
            metrics: checkoutMetrics,
            schemaUrl: '',
          },
        ],
      },
    ],
  };
  return {
    body,
    cpuGauge,
    queueGauge,
    histogramPoints,
    sumPoints,
    resource,
    checkoutMetrics,
    sum,
    histogram,
  };
}
