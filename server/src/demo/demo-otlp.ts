import type { ArmSample } from './demo-traffic-model';

// The demo's telemetry as an OpenTelemetry SDK's OTLP/HTTP JSON exporter sends it (proto3 JSON:
// int64 as decimal strings, delta temporality), one request per service. Pure.

type JsonObject = Record<string, unknown>;

/** AggregationTemporality DELTA: each point counts what happened since the previous export. */
const DELTA = 1;

export interface ArmPoints {
  readonly experiment: string;
  readonly variant: 'treatment' | 'control';
  readonly sample: ArmSample;
  /** Only experiments with a conversion guardrail measure sessions. */
  readonly withSessions: boolean;
}

export interface ServiceExport {
  readonly service: string;
  readonly arms: readonly ArmPoints[];
  readonly fromMs: number;
  readonly toMs: number;
}

const nanos = (ms: number): string => (BigInt(Math.round(ms)) * 1_000_000n).toString();

const stringAttribute = (key: string, value: string): JsonObject => ({
  key,
  value: { stringValue: value },
});

/** The ExportMetricsServiceRequest body for one service's arms over [fromMs, toMs]. */
export function otlpMetricsBody(serviceExport: ServiceExport): JsonObject {
  const { service, arms, fromMs, toMs } = serviceExport;
  const times = { startTimeUnixNano: nanos(fromMs), timeUnixNano: nanos(toMs) };
  const attributes = (arm: ArmPoints): JsonObject[] => [
    stringAttribute('runway.experiment', arm.experiment),
    stringAttribute('runway.variant', arm.variant),
  ];
  const counter = (
    name: string,
    unit: string,
    description: string,
    value: (arm: ArmPoints) => number,
    arms: readonly ArmPoints[],
  ): JsonObject => ({
    name,
    unit,
    description,
    sum: {
      aggregationTemporality: DELTA,
      isMonotonic: true,
      dataPoints: arms.map((arm) => ({
        attributes: attributes(arm),
        ...times,
        asInt: String(value(arm)),
      })),
    },
  });
  const sessionArms = arms.filter((arm) => arm.withSessions);
  const metrics: JsonObject[] = [
    counter('runway.requests', '{request}', 'Requests served', (arm) => arm.sample.requests, arms),
    counter(
      'runway.requests.errors',
      '{request}',
      'Requests that failed (5xx)',
      (arm) => arm.sample.errors,
      arms,
    ),
    {
      name: 'runway.request.duration_ms',
      unit: 'ms',
      description: 'Request latency',
      histogram: {
        aggregationTemporality: DELTA,
        dataPoints: arms.map((arm) => {
          const { latency } = arm.sample;
          return {
            attributes: attributes(arm),
            ...times,
            count: String(latency.count),
            sum: Math.round(latency.sum * 100) / 100,
            bucketCounts: latency.bucketCounts.map(String),
            explicitBounds: latency.explicitBounds,
            ...(latency.count > 0 ? { min: latency.min, max: latency.max } : {}),
          };
        }),
      },
    },
  ];
  if (sessionArms.length > 0) {
    metrics.push(
      counter(
        'runway.sessions',
        '{session}',
        'Sessions',
        (arm) => arm.sample.sessions,
        sessionArms,
      ),
      counter(
        'runway.conversions',
        '{session}',
        'Sessions that converted',
        (arm) => arm.sample.conversions,
        sessionArms,
      ),
    );
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            stringAttribute('service.name', service),
            stringAttribute('deployment.environment.name', 'demo'),
            stringAttribute('telemetry.sdk.name', 'runway-demo-traffic'),
          ],
        },
        scopeMetrics: [{ scope: { name: 'runway-demo-traffic', version: '1' }, metrics }],
      },
    ],
  };
}

/** Data points in a body built by otlpMetricsBody, to compare with what the server accepted. */
export function countDataPoints(serviceExport: ServiceExport): number {
  const sessionArms = serviceExport.arms.filter((arm) => arm.withSessions).length;
  return serviceExport.arms.length * 3 + sessionArms * 2;
}
