import { RunwayError, type ErrorIssue } from '../../../shared/src/errors';
import {
  SERVICE_ATTRIBUTE,
  type MetricKind,
  type MetricPoint,
  type Temporality,
} from './metric-point';
import { readDataPoint, type PointContext } from './otlp-data-point';
import { readEnvelope, type EnvelopeMetric, type EnvelopeResource } from './otlp-envelope';

// OTLP/HTTP JSON metrics → Runway's MetricPoints. Pure: no I/O, no clock. A malformed envelope
// refuses the whole request (RunwayError); bad data points are rejected one by one and counted,
// which the route reports as an OTLP partial success.

export const DEFAULT_MAX_DATA_POINTS = 10_000;
/** Problems kept per request; `rejected` still counts every rejected point. */
export const MAX_PROBLEMS = 100;

export interface OtlpParseOptions {
  /** Refuse (PAYLOAD_TOO_LARGE) a request carrying more data points than this. */
  maxDataPoints?: number;
}

export interface OtlpParseResult {
  points: MetricPoint[];
  /** How many data points were rejected, for `partialSuccess.rejectedDataPoints`. */
  rejected: number;
  /** Why, each with its path; at most MAX_PROBLEMS. Some are warnings that reject nothing. */
  problems: ErrorIssue[];
}

const AGGREGATION_TEMPORALITY: Readonly<Record<string, Temporality | 'unspecified'>> = {
  '0': 'unspecified',
  '1': 'delta',
  '2': 'cumulative',
  // The protobuf JSON mapping lets parsers accept enum names as well as numbers.
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 'unspecified',
  AGGREGATION_TEMPORALITY_DELTA: 'delta',
  AGGREGATION_TEMPORALITY_CUMULATIVE: 'cumulative',
};

class ParseSink implements OtlpParseResult {
  readonly points: MetricPoint[] = [];
  rejected = 0;
  readonly problems: ErrorIssue[] = [];

  reject(dataPoints: number, issue: ErrorIssue): void {
    this.rejected += dataPoints;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(issue);
  }
}

/**
 * Parses an ExportMetricsServiceRequest in OTLP/JSON. Throws RunwayError BAD_REQUEST when the
 * envelope is not OTLP, PAYLOAD_TOO_LARGE when it carries more than `maxDataPoints` points.
 */
export function parseOtlpMetricsJson(
  body: unknown,
  options: OtlpParseOptions = {},
): OtlpParseResult {
  const envelope = readEnvelope(body);
  const maxDataPoints = options.maxDataPoints ?? DEFAULT_MAX_DATA_POINTS;
  if (envelope.dataPointCount > maxDataPoints) {
    const message = `carries ${envelope.dataPointCount} data points; at most ${maxDataPoints} are accepted per request`;
    throw new RunwayError('PAYLOAD_TOO_LARGE', `The request ${message}`, {
      issues: [{ path: 'resourceMetrics', message }],
      details: { dataPoints: envelope.dataPointCount, maxDataPoints },
    });
  }
  const sink = new ParseSink();
  for (const resource of envelope.resources) parseResource(resource, sink);
  return { points: sink.points, rejected: sink.rejected, problems: sink.problems };
}

function parseResource(resource: EnvelopeResource, sink: ParseSink): void {
  const service = resource.attributes.get(SERVICE_ATTRIBUTE);
  if (service === undefined || !service.isString || service.text === '') {
    const dataPoints = resource.metrics.reduce((total, m) => total + m.dataPoints.length, 0);
    if (dataPoints === 0) return;
    const message = `has no ${SERVICE_ATTRIBUTE} string attribute; ${rejectedText(dataPoints)}`;
    sink.reject(dataPoints, { path: `${resource.path}.resource.attributes`, message });
    return;
  }
  for (const metric of resource.metrics) {
    const context = readMetricContext(metric);
    if ('path' in context) {
      sink.reject(metric.dataPoints.length, context);
      continue;
    }
    for (const [index, raw] of metric.dataPoints.entries()) {
      const pointContext: PointContext = {
        metric: context.metric,
        kind: context.kind,
        temporality: context.temporality,
        monotonic: context.monotonic,
        path: `${metric.path}.${metric.field}.dataPoints[${index}]`,
        service: service.text,
        resourceAttributes: resource.attributes,
      };
      const read = readDataPoint(raw, pointContext);
      if (read.outcome === 'point') sink.points.push(read.point);
      else if (read.outcome === 'rejected') sink.reject(1, read.issue);
    }
  }
}

type MetricContext = Pick<PointContext, 'metric' | 'kind' | 'temporality' | 'monotonic'>;

/** What every point of a metric shares, or the one problem that rejects all of them. */
function readMetricContext(metric: EnvelopeMetric): MetricContext | ErrorIssue {
  const rejects = rejectedText(metric.dataPoints.length);
  const { field } = metric;
  if (field === null) return { path: metric.path, message: 'has no gauge, sum or histogram' };
  if (field === 'exponentialHistogram' || field === 'summary') {
    const message = `is not supported yet (use gauge, sum or an explicit-bucket histogram); ${rejects}`;
    return { path: `${metric.path}.${field}`, message };
  }
  if (typeof metric.name !== 'string' || metric.name === '') {
    return { path: `${metric.path}.name`, message: `is missing; ${rejects}` };
  }
  const kind: MetricKind = field;
  if (kind === 'gauge') {
    return { metric: metric.name, kind, temporality: null, monotonic: false };
  }
  const raw = metric.data.aggregationTemporality ?? 0;
  const temporality = AGGREGATION_TEMPORALITY[String(raw)];
  const path = `${metric.path}.${field}.aggregationTemporality`;
  if (temporality === undefined) {
    const message = `is ${JSON.stringify(raw)}, not a known AggregationTemporality (1 delta, 2 cumulative); ${rejects}`;
    return { path, message };
  }
  if (temporality === 'unspecified') {
    const message = `is AGGREGATION_TEMPORALITY_UNSPECIFIED; a ${kind} must be delta (1) or cumulative (2); ${rejects}`;
    return { path, message };
  }
  const monotonic = kind === 'sum' && metric.data.isMonotonic === true;
  return { metric: metric.name, kind, temporality, monotonic };
}

function rejectedText(dataPoints: number): string {
  return dataPoints === 1 ? '1 data point rejected' : `${dataPoints} data points rejected`;
}
