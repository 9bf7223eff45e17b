// OTLP/HTTP JSON metric exports for the telemetry benchmarks, shaped as the OpenTelemetry SDK
// writes them (int64 as strings, exemplars and flags present) and batched as a collector sends
// them: several export intervals of many series in one request. Deterministic, so the ingest
// benchmark's client and its raw-insert baseline build exactly the same points.

type Json = Record<string, unknown>;

/** The SLI metrics of migrations.ts: two delta sums, a cumulative histogram, two cumulative sums. */
export const LOAD_METRICS = [
  'runway.requests',
  'runway.requests.errors',
  'runway.request.duration_ms',
  'runway.sessions',
  'runway.conversions',
] as const;

const VARIANTS = ['treatment', 'control'] as const;
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000];
/** Observations per step in each latency bucket (one more bucket than bounds). */
const LATENCY_WEIGHTS = [2, 6, 12, 20, 25, 15, 8, 3, 1];
const LATENCY_MIDPOINTS_MS = [2.5, 7.5, 17.5, 37.5, 75, 175, 375, 750, 1_500];

export interface ExportShape {
  /** The resource's service.name. */
  readonly service: string;
  readonly experiments: readonly string[];
  /**
   * One series per instance, arm and metric. The instance is a point attribute, not a resource
   * attribute: Runway's cumulative series key holds the service and the point attributes only.
   */
  readonly instances: readonly string[];
  /** Successive points of each series in one export. */
  readonly pointsPerSeries: number;
  /** Time between successive points of a series. */
  readonly stepMs: number;
  /** Time of the first point of export 0; cumulative series start one step before it. */
  readonly startMs: number;
}

export function pointsPerExport(shape: ExportShape): number {
  return (
    shape.experiments.length *
    VARIANTS.length *
    shape.instances.length *
    LOAD_METRICS.length *
    shape.pointsPerSeries
  );
}

/** A small integer hash in [0, modulo): the same inputs always give the same noise. */
function noise(seed: number, step: number, modulo: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x27d4eb2f);
  h ^= h >>> 13;
  return (h >>> 0) % modulo;
}

/** A cumulative count after `step` steps: rises by at least 1 a step (rate ≥ 1), with noise. */
function cumulative(seed: number, step: number, rate: number): number {
  return rate * (step + 1) + noise(seed, step, rate);
}

const nanos = (ms: number): string => `${ms}000000`;
const text = (key: string, value: string): Json => ({ key, value: { stringValue: value } });

interface SeriesContext {
  readonly shape: ExportShape;
  /** The same for both arms: treatment and control are identical, so no guardrail fails. */
  readonly seed: number;
  readonly attributes: readonly Json[];
}

function numberPoint(series: SeriesContext, step: number, metric: number): Json {
  const { shape, seed } = series;
  const timeMs = shape.startMs + step * shape.stepMs;
  const delta = metric <= 1;
  const value =
    metric === 0
      ? 80 + noise(seed, step, 40)
      : metric === 1
        ? noise(seed, step, 4)
        : cumulative(seed, step, metric === 3 ? 20 : 2);
  return {
    attributes: series.attributes,
    startTimeUnixNano: nanos(delta ? timeMs - shape.stepMs : shape.startMs - shape.stepMs),
    timeUnixNano: nanos(timeMs),
    asInt: String(value),
    exemplars: [],
    flags: 0,
  };
}

function histogramPoint(series: SeriesContext, step: number): Json {
  const { shape, seed } = series;
  const timeMs = shape.startMs + step * shape.stepMs;
  const buckets = LATENCY_WEIGHTS.map((weight, index) => cumulative(seed + index, step, weight));
  const count = buckets.reduce((total, value) => total + value, 0);
  const sum = buckets.reduce(
    (total, value, index) => total + value * LATENCY_MIDPOINTS_MS[index]!,
    0,
  );
  return {
    attributes: series.attributes,
    startTimeUnixNano: nanos(shape.startMs - shape.stepMs),
    timeUnixNano: nanos(timeMs),
    count: String(count),
    sum,
    bucketCounts: buckets.map(String),
    explicitBounds: LATENCY_BOUNDS_MS,
    exemplars: [],
    flags: 0,
    min: 1,
    max: 2_000,
  };
}

/**
 * Export `index` of one sender: for every experiment, arm, instance and metric, the points of
 * steps index·K … index·K + K − 1 (K = pointsPerSeries), so timestamps spread over windows and
 * every cumulative series moves forward from one export to the next.
 */
export function buildExport(shape: ExportShape, index: number): Json {
  const firstStep = index * shape.pointsPerSeries;
  const dataPoints: Json[][] = LOAD_METRICS.map(() => []);
  shape.experiments.forEach((experiment, experimentIndex) => {
    for (const variant of VARIANTS) {
      shape.instances.forEach((instance, instanceIndex) => {
        const series: SeriesContext = {
          shape,
          seed: experimentIndex * 7_919 + instanceIndex * 104_729,
          attributes: [
            text('runway.experiment', experiment),
            text('runway.variant', variant),
            text('service.instance.id', instance),
          ],
        };
        for (let step = firstStep; step < firstStep + shape.pointsPerSeries; step++) {
          dataPoints[0]!.push(numberPoint(series, step, 0));
          dataPoints[1]!.push(numberPoint(series, step, 1));
          dataPoints[2]!.push(histogramPoint(series, step));
          dataPoints[3]!.push(numberPoint(series, step, 3));
          dataPoints[4]!.push(numberPoint(series, step, 4));
        }
      });
    }
  });
  const sum = (points: Json[], temporality: 1 | 2): Json => ({
    dataPoints: points,
    aggregationTemporality: temporality,
    isMonotonic: true,
  });
  const metrics = [
    { name: LOAD_METRICS[0], description: '', unit: '{request}', sum: sum(dataPoints[0]!, 1) },
    { name: LOAD_METRICS[1], description: '', unit: '{request}', sum: sum(dataPoints[1]!, 1) },
    {
      name: LOAD_METRICS[2],
      description: 'Server request duration',
      unit: 'ms',
      histogram: { dataPoints: dataPoints[2], aggregationTemporality: 2 },
    },
    { name: LOAD_METRICS[3], description: '', unit: '{session}', sum: sum(dataPoints[3]!, 2) },
    { name: LOAD_METRICS[4], description: '', unit: '{conversion}', sum: sum(dataPoints[4]!, 2) },
  ];
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            text('service.name', shape.service),
            text('telemetry.sdk.language', 'nodejs'),
            text('telemetry.sdk.name', 'opentelemetry'),
            text('telemetry.sdk.version', '1.30.1'),
          ],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeMetrics: [
          { scope: { name: 'runway-bench', version: '1.0.0' }, metrics, schemaUrl: '' },
        ],
      },
    ],
  };
}
