import type { ErrorIssue } from '../../../shared/src/errors';
import {
  EXPERIMENT_ATTRIBUTE,
  SERVICE_ATTRIBUTE,
  VARIANT_ATTRIBUTE,
  type MetricKind,
  type MetricPoint,
  type Temporality,
  type Variant,
} from './metric-point';
import {
  describe,
  isAbsent,
  isRecord,
  nanosToMs,
  readAttributes,
  readFiniteDouble,
  readInt64,
  readUint64,
  type AttributeValue,
} from './otlp-values';

// Judges one NumberDataPoint or HistogramDataPoint. A bad point is rejected on its own with the
// path of the first thing wrong with it; the rest of the request is unaffected.

/** What a data point inherits from its metric and resource. */
export interface PointContext {
  /** e.g. `resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[3]` */
  readonly path: string;
  readonly service: string;
  readonly metric: string;
  readonly kind: MetricKind;
  readonly temporality: Temporality | null;
  readonly monotonic: boolean;
  readonly resourceAttributes: ReadonlyMap<string, AttributeValue>;
}

export type PointRead =
  | { readonly outcome: 'point'; readonly point: MetricPoint }
  | { readonly outcome: 'rejected'; readonly issue: ErrorIssue }
  /** Flagged FLAG_NO_RECORDED_VALUE: valid OTLP that carries nothing to aggregate. */
  | { readonly outcome: 'no-value' };

type Checked<T> = { ok: true; value: T } | { ok: false; issue: ErrorIssue };

const reject = (path: string, message: string): { ok: false; issue: ErrorIssue } => ({
  ok: false,
  issue: { path, message },
});

const FLAG_NO_RECORDED_VALUE = 1;
const VARIANTS: readonly string[] = ['treatment', 'control'] satisfies Variant[];
const isVariant = (text: string): text is Variant => VARIANTS.includes(text);

export function readDataPoint(raw: unknown, context: PointContext): PointRead {
  const checked = checkDataPoint(raw, context);
  if (checked === 'no-value') return { outcome: 'no-value' };
  if (!checked.ok) return { outcome: 'rejected', issue: checked.issue };
  return { outcome: 'point', point: checked.value };
}

function checkDataPoint(raw: unknown, context: PointContext): Checked<MetricPoint> | 'no-value' {
  const { path } = context;
  if (!isRecord(raw)) return reject(path, `must be an object, got ${describe(raw)}`);
  if (!isAbsent(raw.flags)) {
    if (typeof raw.flags !== 'number' || !Number.isInteger(raw.flags) || raw.flags < 0) {
      return reject(`${path}.flags`, `must be a non-negative integer, got ${describe(raw.flags)}`);
    }
    if ((raw.flags & FLAG_NO_RECORDED_VALUE) !== 0) return 'no-value';
  }
  const arm = readArm(raw.attributes, context);
  if (!arm.ok) return arm;
  const times = readTimes(raw, path);
  if (!times.ok) return times;
  const values = context.kind === 'histogram' ? readHistogram(raw, path) : readNumber(raw, context);
  if (!values.ok) return values;
  // Built field by field: spreading the parts was most of the parse's cost per point.
  const point: Mutable<MetricPoint> = {
    service: context.service,
    experiment: arm.value.experiment,
    variant: arm.value.variant,
    metric: context.metric,
    kind: context.kind,
    temporality: context.temporality,
    monotonic: context.monotonic,
    timeUnixMs: times.value.timeUnixMs,
    startTimeUnixMs: times.value.startTimeUnixMs,
    attributes: arm.value.attributes,
  };
  const parsed: Partial<HistogramValues> & { value?: number } = values.value;
  if (parsed.value !== undefined) point.value = parsed.value;
  if (parsed.count !== undefined) point.count = parsed.count;
  if (parsed.sum !== undefined) point.sum = parsed.sum;
  if (parsed.min !== undefined) point.min = parsed.min;
  if (parsed.max !== undefined) point.max = parsed.max;
  if (parsed.bucketCounts !== undefined) point.bucketCounts = parsed.bucketCounts;
  if (parsed.explicitBounds !== undefined) point.explicitBounds = parsed.explicitBounds;
  return { ok: true, value: point };
}

interface Arm {
  experiment: string;
  variant: Variant;
  attributes: Record<string, string>;
}

/** The experiment arm comes from the point's attributes, else from its resource's. */
function readArm(rawAttributes: unknown, context: PointContext): Checked<Arm> {
  const path = `${context.path}.attributes`;
  const read = readAttributes(rawAttributes);
  if (!read.ok) return reject(`${path}${read.at}`, read.problem);
  const pointAttributes = read.value;
  const lookup = (key: string): Checked<string> => {
    const value = pointAttributes.get(key) ?? context.resourceAttributes.get(key);
    if (value === undefined) {
      const message = `has no ${key} attribute (on the point or its resource), so it is not Runway telemetry`;
      return reject(path, message);
    }
    if (!value.isString || value.text === '') {
      return reject(path, `${key} must be a non-empty stringValue`);
    }
    return { ok: true, value: value.text };
  };
  const experiment = lookup(EXPERIMENT_ATTRIBUTE);
  if (!experiment.ok) return experiment;
  const variant = lookup(VARIANT_ATTRIBUTE);
  if (!variant.ok) return variant;
  if (!isVariant(variant.value)) {
    return reject(
      path,
      `${VARIANT_ATTRIBUTE} must be 'treatment' or 'control', got ${JSON.stringify(variant.value)}`,
    );
  }
  // The resource's attributes too (the point's win): two pods report the same series names, and
  // only service.instance.id and the like tell their cumulative series apart.
  const attributes: Record<string, string> = {};
  for (const [key, value] of context.resourceAttributes) {
    if (isSeriesAttribute(key)) attributes[key] = value.text;
  }
  for (const [key, value] of pointAttributes) {
    if (isSeriesAttribute(key)) attributes[key] = value.text;
  }
  return {
    ok: true,
    value: { experiment: experiment.value, variant: variant.value, attributes },
  };
}

/** Attributes that identify a series beyond its arm and service (which the point keeps apart). */
function isSeriesAttribute(key: string): boolean {
  return key !== EXPERIMENT_ATTRIBUTE && key !== VARIANT_ATTRIBUTE && key !== SERVICE_ATTRIBUTE;
}

function readTimes(
  point: Readonly<Record<string, unknown>>,
  path: string,
): Checked<{ timeUnixMs: number; startTimeUnixMs: number | null }> {
  // Zero is the protobuf default, so "0" is as absent as a missing field.
  if (isAbsent(point.timeUnixNano) || point.timeUnixNano === '0' || point.timeUnixNano === 0) {
    return reject(`${path}.timeUnixNano`, 'is missing');
  }
  const time = readUint64(point.timeUnixNano);
  if (!time.ok) return reject(`${path}.timeUnixNano`, time.problem);
  let start: bigint | null = null;
  if (!isAbsent(point.startTimeUnixNano)) {
    const read = readUint64(point.startTimeUnixNano);
    if (!read.ok) return reject(`${path}.startTimeUnixNano`, read.problem);
    start = read.value === 0n ? null : read.value;
  }
  if (start !== null && start > time.value) {
    return reject(`${path}.startTimeUnixNano`, 'is after timeUnixNano');
  }
  return {
    ok: true,
    value: {
      timeUnixMs: nanosToMs(time.value),
      startTimeUnixMs: start === null ? null : nanosToMs(start),
    },
  };
}

function readNumber(
  point: Readonly<Record<string, unknown>>,
  context: PointContext,
): Checked<{ value: number }> {
  const { path } = context;
  const hasInt = !isAbsent(point.asInt);
  const hasDouble = !isAbsent(point.asDouble);
  if (hasInt && hasDouble)
    return reject(path, 'sets both asInt and asDouble; a point has one value');
  if (!hasInt && !hasDouble) return reject(path, 'has no value (asInt or asDouble)');
  const field = hasInt ? 'asInt' : 'asDouble';
  let value: number;
  if (hasInt) {
    const read = readInt64(point.asInt);
    if (!read.ok) return reject(`${path}.asInt`, read.problem);
    value = Number(read.value);
  } else {
    const read = readFiniteDouble(point.asDouble);
    if (!read.ok) return reject(`${path}.asDouble`, read.problem);
    value = read.value;
  }
  if (context.monotonic && value < 0) {
    return reject(`${path}.${field}`, `must not be negative in a monotonic sum, got ${value}`);
  }
  return { ok: true, value: { value } };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface HistogramValues {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

function readHistogram(
  point: Readonly<Record<string, unknown>>,
  path: string,
): Checked<HistogramValues> {
  const count = isAbsent(point.count) ? { ok: true as const, value: 0n } : readUint64(point.count);
  if (!count.ok) return reject(`${path}.count`, count.problem);
  const values: HistogramValues = {
    count: Number(count.value),
    bucketCounts: [],
    explicitBounds: [],
  };
  for (const field of ['sum', 'min', 'max'] as const) {
    if (isAbsent(point[field])) continue;
    const read = readFiniteDouble(point[field]);
    if (!read.ok) return reject(`${path}.${field}`, read.problem);
    values[field] = read.value;
  }
  if (values.min !== undefined && values.max !== undefined && values.min > values.max) {
    return reject(`${path}.min`, `is greater than max (${values.min} > ${values.max})`);
  }
  const buckets = readBuckets(point, path, count.value);
  if (!buckets.ok) return buckets;
  return { ok: true, value: { ...values, ...buckets.value } };
}

function readBuckets(
  point: Readonly<Record<string, unknown>>,
  path: string,
  count: bigint,
): Checked<{ bucketCounts: number[]; explicitBounds: number[] }> {
  const rawCounts = point.bucketCounts ?? [];
  const rawBounds = point.explicitBounds ?? [];
  if (!Array.isArray(rawCounts)) {
    return reject(`${path}.bucketCounts`, `must be an array, got ${describe(rawCounts)}`);
  }
  if (!Array.isArray(rawBounds)) {
    return reject(`${path}.explicitBounds`, `must be an array, got ${describe(rawBounds)}`);
  }
  const explicitBounds: number[] = [];
  for (const [index, raw] of rawBounds.entries()) {
    const read = readFiniteDouble(raw);
    if (!read.ok) return reject(`${path}.explicitBounds[${index}]`, read.problem);
    const previous = explicitBounds[index - 1];
    if (previous !== undefined && read.value <= previous) {
      const message = `must be greater than explicitBounds[${index - 1}] (${read.value} <= ${previous}); bounds are strictly increasing`;
      return reject(`${path}.explicitBounds[${index}]`, message);
    }
    explicitBounds.push(read.value);
  }
  let total = 0n;
  const bucketCounts: number[] = [];
  for (const [index, raw] of rawCounts.entries()) {
    const read = readUint64(raw);
    if (!read.ok) return reject(`${path}.bucketCounts[${index}]`, read.problem);
    total += read.value;
    bucketCounts.push(Number(read.value));
  }
  // The one exception to "one more count than bounds": no buckets at all (count and sum only).
  if (
    bucketCounts.length !== explicitBounds.length + 1 &&
    rawCounts.length + rawBounds.length > 0
  ) {
    const message = `has ${bucketCounts.length} counts for ${explicitBounds.length} explicitBounds; expected ${explicitBounds.length + 1}`;
    return reject(`${path}.bucketCounts`, message);
  }
  if (bucketCounts.length > 0 && total !== count) {
    return reject(`${path}.count`, `is ${count} but bucketCounts sum to ${total}`);
  }
  return { ok: true, value: { bucketCounts, explicitBounds } };
}
