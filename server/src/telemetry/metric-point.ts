/** How a point aggregates over time. Gauges have none. */
export type Temporality = 'delta' | 'cumulative';

export type MetricKind = 'sum' | 'gauge' | 'histogram';

export type Variant = 'treatment' | 'control';

/**
 * One OTLP data point, normalized for Runway: attributed to an experiment arm, times in
 * milliseconds, 64-bit integers as numbers. Sums and gauges carry `value`; histograms carry
 * `count`, `sum` (when the sender measured it), `bucketCounts` and `explicitBounds`.
 */
export interface MetricPoint {
  readonly service: string;
  readonly experiment: string;
  readonly variant: Variant;
  /** The OTLP metric name, e.g. `http.server.request.duration`. */
  readonly metric: string;
  readonly kind: MetricKind;
  /** `null` for gauges. */
  readonly temporality: Temporality | null;
  /** Only sums can be monotonic; always `false` for gauges and histograms. */
  readonly monotonic: boolean;
  readonly timeUnixMs: number;
  /** `null` when the sender left it out (allowed for gauges). */
  readonly startTimeUnixMs: number | null;
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly bucketCounts?: readonly number[];
  readonly explicitBounds?: readonly number[];
  /** The point's other attributes (not `runway.*`), each value as a string. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The attributes that tag telemetry with an experiment arm (DESIGN §5). */
export const EXPERIMENT_ATTRIBUTE = 'runway.experiment';
export const VARIANT_ATTRIBUTE = 'runway.variant';
export const SERVICE_ATTRIBUTE = 'service.name';
