import type { Variant } from '../../server/src/telemetry/metric-point';

// OTLP/HTTP JSON as apps send it, for tests that feed Runway telemetry over HTTP.

export const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
export const text = (value: string) => ({ stringValue: value });

export function armAttributes(key: string, variant: Variant) {
  return [
    { key: 'runway.experiment', value: text(key) },
    { key: 'runway.variant', value: text(variant) },
  ];
}

/** A delta sum with one point per arm given, all at `timeMs` (covering the second before). */
export function deltaSum(
  name: string,
  key: string,
  values: Partial<Record<Variant, number>>,
  timeMs: number,
) {
  return {
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: Object.entries(values).map(([variant, value]) => ({
        attributes: armAttributes(key, variant as Variant),
        startTimeUnixNano: nanos(timeMs - 1_000),
        timeUnixNano: nanos(timeMs),
        asInt: String(value),
      })),
    },
  };
}

/** POSTs one export from `service` to /v1/metrics; answers the HTTP status and the JSON body. */
export async function postMetrics(
  url: string,
  token: string,
  service: string,
  metrics: readonly unknown[],
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: text(service) }] },
          scopeMetrics: [{ scope: { name: 'runway-test' }, metrics }],
        },
      ],
    }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * The request counters the default `error_rate` SLI reads (runway.requests.errors /
 * runway.requests), as delta sums for the arms given, at `timeMs`.
 */
export function requestMetrics(
  key: string,
  arms: Partial<Record<Variant, { requests: number; errors: number }>>,
  timeMs: number,
) {
  const pick = (field: 'requests' | 'errors') =>
    Object.fromEntries(
      Object.entries(arms).map(([variant, counts]) => [variant, counts[field]]),
    ) as Partial<Record<Variant, number>>;
  return [
    deltaSum('runway.requests', key, pick('requests'), timeMs),
    deltaSum('runway.requests.errors', key, pick('errors'), timeMs),
  ];
}
