import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// Two pods of one service report the same cumulative counter: the resource's attributes
// (service.instance.id) keep their series apart, so neither pod's counts are lost.

const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const text = (value: string) => ({ stringValue: value });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await server
    .client(server.tokens.alice)
    .experiments.enqueue.mutate({ specs: [makeSpec('checkout-v2')] });
});
afterAll(async () => {
  await server.stop();
});

function podExport(instance: string, total: number, startMs: number, timeMs: number) {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: text('checkout') },
            { key: 'service.instance.id', value: text(instance) },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'checkout.sessions',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [
                        { key: 'runway.experiment', value: text('checkout-v2') },
                        { key: 'runway.variant', value: text('control') },
                      ],
                      startTimeUnixNano: nanos(startMs),
                      timeUnixNano: nanos(timeMs),
                      asInt: String(total),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function send(body: unknown): Promise<void> {
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.alice}` },
    body: JSON.stringify(body),
  });
  expect(await response.json()).toEqual({});
}

describe('cumulative series from several instances of a service', () => {
  it("counts each pod's increase, interleaved in time", async () => {
    const now = Date.now();
    const started = now - 60_000;
    // Pod a counts 100 → 150; pod b counts 1,000 → 1,040. Their exports interleave.
    await send(podExport('pod-a', 100, started, now - 40_000));
    await send(podExport('pod-b', 1_000, started, now - 35_000));
    await send(podExport('pod-a', 150, started, now - 20_000));
    await send(podExport('pod-b', 1_040, started, now - 15_000));
    const sessions = server.runway.telemetry.aggregate(
      'checkout-v2',
      'control',
      'checkout.sessions',
      now - 120_000,
      now + 1,
    );
    expect(sessions.sum?.total).toBe(50 + 40);
  });
});
