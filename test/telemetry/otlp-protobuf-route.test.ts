import { gzipSync } from 'node:zlib';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportRequestMessage,
  RpcStatusMessage,
} from '../../server/src/telemetry/otlp-protobuf-schema';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// POST /v1/metrics with binary protobuf bodies against the real server: hand-encoded requests
// checked against the JSON path, and the OpenTelemetry JS SDK's own protobuf exporter.

let server: TestServer;

const EXPERIMENTS = ['proto-arm', 'json-arm', 'sdk-arm', 'gzip-arm'] as const;

beforeAll(async () => {
  server = await startTestServer();
  await server
    .client(server.tokens.alice)
    .experiments.enqueue.mutate({ specs: EXPERIMENTS.map((key) => makeSpec(key)) });
});
afterAll(async () => {
  await server.stop();
});

const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const text = (value: string) => ({ stringValue: value });
const arm = (experiment: string) => [
  { key: 'runway.experiment', value: text(experiment) },
  { key: 'runway.variant', value: text('treatment') },
];

/** A delta sum and a delta histogram for one experiment's treatment arm, as OTLP/JSON. */
function exportFor(experiment: string, timeMs: number): Record<string, unknown> {
  const times = { startTimeUnixNano: nanos(timeMs - 1_000), timeUnixNano: nanos(timeMs) };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: text('checkout') }] },
        scopeMetrics: [
          {
            scope: { name: 'checkout', version: '1.0.0' },
            metrics: [
              {
                name: 'checkout.orders',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: arm(experiment), ...times, asInt: '5' },
                    {
                      attributes: [
                        ...arm(experiment),
                        { key: 'retry', value: { boolValue: true } },
                      ],
                      ...times,
                      asDouble: 2.5,
                    },
                  ],
                },
              },
              {
                name: 'checkout.latency',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: arm(experiment),
                      ...times,
                      count: '6',
                      sum: 930.5,
                      min: 4,
                      max: 610,
                      bucketCounts: ['1', '3', '2'],
                      explicitBounds: [10, 100],
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

function toProtobuf(json: Record<string, unknown>): Uint8Array {
  return ExportRequestMessage.encode(ExportRequestMessage.fromObject(json)).finish();
}

interface Reply {
  status: number;
  contentType: string | null;
  body: Uint8Array;
}

async function post(
  body: Uint8Array | string,
  options: { contentType?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const token = options.token === undefined ? server.tokens.alice : options.token;
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-protobuf',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

const status = (reply: Reply) =>
  RpcStatusMessage.toObject(RpcStatusMessage.decode(reply.body)) as {
    code?: number;
    message?: string;
  };

const aggregate = (experiment: string, metric: string, fromMs: number) =>
  server.runway.telemetry.aggregate(experiment, 'treatment', metric, fromMs, Date.now() + 60_000);

describe('POST /v1/metrics with application/x-protobuf', () => {
  it('stores the same rollups as the same export sent as JSON', async () => {
    const timeMs = Date.now();
    const since = timeMs - 60_000;
    const proto = await post(toProtobuf(exportFor('proto-arm', timeMs)));
    expect(proto).toMatchObject({ status: 200, contentType: 'application/x-protobuf' });
    expect(proto.body).toHaveLength(0); // an empty ExportMetricsServiceResponse: full success
    const json = await post(JSON.stringify(exportFor('json-arm', timeMs)), {
      contentType: 'application/json',
    });
    expect(json.status).toBe(200);
    for (const metric of ['checkout.orders', 'checkout.latency']) {
      expect(aggregate('proto-arm', metric, since)).toEqual(aggregate('json-arm', metric, since));
    }
    expect(aggregate('proto-arm', 'checkout.orders', since).sum).toEqual({ total: 7.5, points: 2 });
    expect(aggregate('proto-arm', 'checkout.latency', since).histogram).toMatchObject({
      count: 6,
      sum: 930.5,
      bucketCounts: [1, 3, 2],
      explicitBounds: [10, 100],
    });
  });

  it('accepts gzip, with application/protobuf as well', async () => {
    const timeMs = Date.now();
    const reply = await post(gzipSync(toProtobuf(exportFor('gzip-arm', timeMs))), {
      contentType: 'application/protobuf',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(reply).toMatchObject({ status: 200, contentType: 'application/x-protobuf' });
    expect(aggregate('gzip-arm', 'checkout.orders', timeMs - 60_000).sum?.total).toBe(7.5);
  });

  it('answers a partial success as a protobuf ExportMetricsServiceResponse', async () => {
    const reply = await post(toProtobuf(exportFor('no-such-experiment', Date.now())));
    expect(reply).toMatchObject({ status: 200, contentType: 'application/x-protobuf' });
    // Decoded by the SDK's own response reader, not by Runway's schema.
    const response = ProtobufMetricsSerializer.deserializeResponse(reply.body);
    expect(response.partialSuccess).toEqual({
      rejectedDataPoints: 3,
      errorMessage: expect.stringMatching(
        /^3 data points rejected: .*runway\.experiment "no-such-experiment" is not a known experiment/,
      ),
    });
  });

  it('refuses bytes that are not protobuf with 400 and a protobuf google.rpc.Status', async () => {
    const reply = await post(new TextEncoder().encode('{"resourceMetrics": []}'));
    expect(reply).toMatchObject({ status: 400, contentType: 'application/x-protobuf' });
    expect(status(reply)).toEqual({
      code: 3,
      message: expect.stringMatching(/^The body is not a valid OTLP protobuf metrics request: /),
    });
    const truncated = toProtobuf(exportFor('proto-arm', Date.now())).subarray(0, 40);
    expect((await post(truncated)).status).toBe(400);
  });

  it('answers auth, size and encoding failures in protobuf too', async () => {
    const unauthenticated = await post(toProtobuf(exportFor('proto-arm', Date.now())), {
      token: null,
    });
    expect(unauthenticated).toMatchObject({ status: 401, contentType: 'application/x-protobuf' });
    expect(status(unauthenticated)).toMatchObject({ code: 16 });
    const tooBig = await post(new Uint8Array(1_100_000));
    expect(tooBig.status).toBe(413);
    expect(status(tooBig).message).toContain('larger than');
    const brotli = await post(toProtobuf(exportFor('proto-arm', Date.now())), {
      headers: { 'content-encoding': 'br' },
    });
    expect(brotli.status).toBe(415);
    expect(status(brotli).message).toContain('content-encoding "br" is not supported');
  });
});

describe('the OpenTelemetry JS SDK exporting OTLP/HTTP protobuf', () => {
  /** What each export returned (code 0 is SUCCESS): the reader itself swallows failures. */
  const exportResults: { code: number; error?: Error }[] = [];

  /** A meter provider that exports deltas to Runway only when flushed. */
  function sdkProvider(): MeterProvider {
    const exporter = new OTLPMetricExporter({
      url: `${server.url}/v1/metrics`,
      headers: { authorization: `Bearer ${server.tokens.alice}` },
      temporalityPreference: AggregationTemporality.DELTA,
    });
    const send = exporter.export.bind(exporter);
    exporter.export = (metrics, done) =>
      send(metrics, (result) => {
        exportResults.push(result);
        done(result);
      });
    return new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
  }

  it('exports a counter and a histogram that Runway rolls up', async () => {
    const since = Date.now() - 60_000;
    const provider = sdkProvider();
    const meter = provider.getMeter('checkout-service', '2.0.0');
    const labels = { 'runway.experiment': 'sdk-arm', 'runway.variant': 'treatment' };
    meter.createCounter('checkout.orders').add(4, { ...labels, outcome: 'ok' });
    meter.createCounter('checkout.orders').add(1, { ...labels, outcome: 'error' });
    const latency = meter.createHistogram('checkout.latency', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: [10, 100, 1000] },
    });
    for (const ms of [5, 50, 60, 500, 5_000]) latency.record(ms, labels);
    exportResults.length = 0;
    await provider.forceFlush();
    await provider.shutdown();
    expect(exportResults).toEqual([{ code: 0 }]);
    expect(aggregate('sdk-arm', 'checkout.orders', since).sum).toEqual({ total: 5, points: 2 });
    expect(aggregate('sdk-arm', 'checkout.latency', since).histogram).toMatchObject({
      count: 5,
      sum: 5_615,
      min: 5,
      max: 5_000,
      explicitBounds: [10, 100, 1000],
      bucketCounts: [1, 2, 1, 1],
    });
  });

  it('hears a partial success the way the SDK reports one', async () => {
    const warnings: unknown[][] = [];
    const logger: DiagLogger = {
      error: () => {},
      warn: (...args: unknown[]) => warnings.push(args),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    try {
      const provider = sdkProvider();
      const labels = { 'runway.experiment': 'no-such-experiment', 'runway.variant': 'control' };
      provider.getMeter('checkout-service').createCounter('checkout.orders').add(1, labels);
      exportResults.length = 0;
      await provider.forceFlush();
      await provider.shutdown();
    } finally {
      diag.disable();
    }
    expect(exportResults).toEqual([{ code: 0 }]); // a partial success is still a success
    const partial = warnings.find((args) => String(args[0]).includes('Partial Success'));
    expect(partial).toBeDefined();
    expect(JSON.parse(String(partial![1]))).toEqual({
      rejectedDataPoints: 1,
      errorMessage: expect.stringContaining('"no-such-experiment" is not a known experiment'),
    });
  });
});
