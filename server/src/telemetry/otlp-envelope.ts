import { RunwayError, type ErrorIssue } from '../../../shared/src/errors';
import { describe, isAbsent, isRecord, readAttributes, type AttributeValue } from './otlp-values';

// The structural walk over an ExportMetricsServiceRequest, down to (not into) the data points.
// A wrong type anywhere above the points means the sender is not speaking OTLP/JSON (or is
// broken), so the whole request is refused with every problem's path; the points themselves are
// judged one by one later. Unknown fields are ignored and `null` means "not set", as the
// protobuf JSON mapping and the OTLP spec require of receivers.

export const METRIC_DATA_FIELDS = [
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
] as const;
export type MetricDataField = (typeof METRIC_DATA_FIELDS)[number];

export interface EnvelopeMetric {
  /** e.g. `resourceMetrics[0].scopeMetrics[1].metrics[2]` */
  readonly path: string;
  readonly name: unknown;
  /** Which data the metric carries; `null` when it carries none. */
  readonly field: MetricDataField | null;
  /** The gauge / sum / histogram object (empty when `field` is null). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly dataPoints: readonly unknown[];
}

export interface EnvelopeResource {
  /** e.g. `resourceMetrics[0]` */
  readonly path: string;
  readonly attributes: ReadonlyMap<string, AttributeValue>;
  readonly metrics: readonly EnvelopeMetric[];
}

export interface OtlpEnvelope {
  readonly resources: readonly EnvelopeResource[];
  readonly dataPointCount: number;
}

const MAX_ENVELOPE_ISSUES = 20;

class EnvelopeIssues {
  readonly list: ErrorIssue[] = [];
  add(path: string, message: string): void {
    if (this.list.length < MAX_ENVELOPE_ISSUES) this.list.push({ path, message });
  }
}

/** Reads a repeated field: absent or null is an empty list; anything else must be an array. */
function readList(raw: unknown, path: string, issues: EnvelopeIssues): readonly unknown[] {
  if (isAbsent(raw)) return [];
  if (Array.isArray(raw)) return raw;
  issues.add(path, `must be an array, got ${describe(raw)}`);
  return [];
}

/** Reads a message field: absent or null is an empty message. */
function readMessage(
  raw: unknown,
  path: string,
  issues: EnvelopeIssues,
): Readonly<Record<string, unknown>> | null {
  if (isAbsent(raw)) return {};
  if (isRecord(raw)) return raw;
  issues.add(path, `must be an object, got ${describe(raw)}`);
  return null;
}

/**
 * Checks the request's structure and lists its metrics with their resources. Throws
 * BAD_REQUEST, with an issue per problem (up to 20), when the structure is wrong.
 */
export function readEnvelope(body: unknown): OtlpEnvelope {
  const issues = new EnvelopeIssues();
  if (!isRecord(body)) {
    const message = `must be a JSON object (an OTLP ExportMetricsServiceRequest), got ${describe(body)}`;
    throw new RunwayError('BAD_REQUEST', 'The body is not an OTLP metrics request', {
      issues: [{ path: '', message }],
    });
  }
  const resources: EnvelopeResource[] = [];
  let dataPointCount = 0;
  for (const [index, raw] of readList(body.resourceMetrics, 'resourceMetrics', issues).entries()) {
    const resource = readResource(raw, `resourceMetrics[${index}]`, issues);
    if (resource === null) continue;
    resources.push(resource);
    for (const metric of resource.metrics) dataPointCount += metric.dataPoints.length;
  }
  if (issues.list.length > 0) {
    throw new RunwayError('BAD_REQUEST', 'The body is not a well-formed OTLP metrics request', {
      issues: issues.list,
    });
  }
  return { resources, dataPointCount };
}

function readResource(raw: unknown, path: string, issues: EnvelopeIssues): EnvelopeResource | null {
  const resourceMetrics = readMessage(raw, path, issues);
  if (resourceMetrics === null) return null;
  const resource = readMessage(resourceMetrics.resource, `${path}.resource`, issues);
  const attributes = readAttributes(resource?.attributes);
  if (!attributes.ok) {
    issues.add(`${path}.resource.attributes${attributes.at}`, attributes.problem);
  }
  const metrics: EnvelopeMetric[] = [];
  const scopes = readList(resourceMetrics.scopeMetrics, `${path}.scopeMetrics`, issues);
  for (const [scopeIndex, rawScope] of scopes.entries()) {
    const scopePath = `${path}.scopeMetrics[${scopeIndex}]`;
    const scopeMetrics = readMessage(rawScope, scopePath, issues);
    if (scopeMetrics === null) continue;
    readMessage(scopeMetrics.scope, `${scopePath}.scope`, issues);
    const list = readList(scopeMetrics.metrics, `${scopePath}.metrics`, issues);
    for (const [metricIndex, rawMetric] of list.entries()) {
      const metric = readMetric(rawMetric, `${scopePath}.metrics[${metricIndex}]`, issues);
      if (metric !== null) metrics.push(metric);
    }
  }
  return { path, attributes: attributes.ok ? attributes.value : new Map(), metrics };
}

function readMetric(raw: unknown, path: string, issues: EnvelopeIssues): EnvelopeMetric | null {
  const metric = readMessage(raw, path, issues);
  if (metric === null) return null;
  if (!isAbsent(metric.name) && typeof metric.name !== 'string') {
    issues.add(`${path}.name`, `must be a string, got ${describe(metric.name)}`);
  }
  const fields = METRIC_DATA_FIELDS.filter((field) => !isAbsent(metric[field]));
  if (fields.length > 1) {
    issues.add(path, `carries ${fields.join(' and ')}; a metric carries one kind of data`);
    return null;
  }
  const field = fields[0] ?? null;
  if (field === null) return { path, name: metric.name, field, data: {}, dataPoints: [] };
  const data = readMessage(metric[field], `${path}.${field}`, issues);
  if (data === null) return null;
  checkDataFieldTypes(data, `${path}.${field}`, issues);
  const dataPoints = readList(data.dataPoints, `${path}.${field}.dataPoints`, issues);
  return { path, name: metric.name, field, data, dataPoints };
}

function checkDataFieldTypes(
  data: Readonly<Record<string, unknown>>,
  path: string,
  issues: EnvelopeIssues,
): void {
  const temporality = data.aggregationTemporality;
  if (
    !isAbsent(temporality) &&
    typeof temporality !== 'number' &&
    typeof temporality !== 'string'
  ) {
    issues.add(
      `${path}.aggregationTemporality`,
      `must be an enum number, got ${describe(temporality)}`,
    );
  }
  if (!isAbsent(data.isMonotonic) && typeof data.isMonotonic !== 'boolean') {
    issues.add(`${path}.isMonotonic`, `must be a boolean, got ${describe(data.isMonotonic)}`);
  }
}
