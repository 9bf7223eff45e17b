import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { RunwayError } from '../../../shared/src/errors';
import { parseOtlpMetricsJson } from './otlp-json';
import { decodeOtlpMetricsProtobuf, parseOtlpMetricsProtobuf } from './otlp-protobuf';
import { ExportRequestMessage, RpcStatusMessage } from './otlp-protobuf-schema';
import {
  encodeExportMetricsResponse,
  encodeRpcStatus,
  exportMetricsResponse,
} from './otlp-response';
import { armAttributes, otlpFixture, TIME_MS } from './otlp-test-fixtures';

const { Writer } = protobuf;
const NumberDataPoint = ExportRequestMessage.lookupType(
  'opentelemetry.proto.metrics.v1.NumberDataPoint',
);
const Resource = ExportRequestMessage.lookupType('opentelemetry.proto.resource.v1.Resource');

type FirstGauge = {
  resourceMetrics: [
    { scopeMetrics: [{ metrics: [{ gauge: { dataPoints: [Record<string, unknown>] } }] }] },
  ];
};

/** A length-delimited field: tag, length, bytes. */
function field(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return Writer.create()
    .uint32((fieldNumber << 3) | 2)
    .bytes(bytes)
    .finish();
}

/**
 * Wraps `inner` in one length-delimited field per level, outermost field number first, with
 * `siblings[level]` written before the field at that level (level 0 is the request itself).
 */
function nest(
  fieldNumbers: readonly number[],
  inner: Uint8Array,
  siblings: Record<number, Uint8Array>,
): Uint8Array {
  let bytes = inner;
  for (let level = fieldNumbers.length - 1; level >= 0; level -= 1) {
    bytes = new Uint8Array([...(siblings[level] ?? []), ...field(fieldNumbers[level]!, bytes)]);
  }
  return bytes;
}

/** An OTLP/JSON object as binary protobuf, through protobufjs's proto3 object mapping. */
function toProtobuf(json: Record<string, unknown>): Uint8Array {
  return ExportRequestMessage.encode(ExportRequestMessage.fromObject(json)).finish();
}

/** Collects on demand, so a test can serialize the SDK's own ResourceMetrics. */
class CollectingReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the OpenTelemetry JS SDK collects for a counter, gauge and two histograms. */
async function sdkResourceMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.cores': 2 }),
    readers: [reader],
    views: [
      {
        instrumentName: 'checkout.payload.size',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('checkout', '1.2.3');
  const treatment = { 'runway.experiment': 'checkout-v2', 'runway.variant': 'treatment' };
  const control = { 'runway.experiment': 'checkout-v2', 'runway.variant': 'control' };
  const orders = meter.createCounter('checkout.orders');
  orders.add(5, { ...treatment, outcome: 'ok', retried: false, attempt: 3 });
  orders.add(2, { ...control, tags: ['a', 'b'], ratio: 0.25 });
  meter.createUpDownCounter('checkout.inflight').add(-4, treatment);
  meter.createGauge('checkout.cpu').record(0.42, control);
  const latency = meter.createHistogram('checkout.latency', { unit: 'ms' });
  for (const value of [3, 40, 41, 700]) latency.record(value, treatment);
  meter.createHistogram('checkout.payload.size').record(512, treatment);
  meter.createCounter('checkout.unlabelled').add(1); // no arm: rejected by both encodings
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

describe('parseOtlpMetricsProtobuf', () => {
  it('reads what the OpenTelemetry JS SDK serializes exactly as the JSON it serializes', async () => {
    const resourceMetrics = await sdkResourceMetrics();
    const protobufBytes = ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!;
    const jsonBytes = JsonMetricsSerializer.serializeRequest(resourceMetrics)!;
    const fromProtobuf = parseOtlpMetricsProtobuf(protobufBytes);
    const fromJson = parseOtlpMetricsJson(JSON.parse(new TextDecoder().decode(jsonBytes)));
    expect(fromProtobuf).toEqual(fromJson);
    // The comparison means something only if the SDK's data made it through.
    const byMetric = new Map(fromProtobuf.points.map((point) => [point.metric, point]));
    expect([...byMetric.keys()].sort()).toEqual([
      'checkout.cpu',
      'checkout.inflight',
      'checkout.latency',
      'checkout.orders',
    ]);
    expect(byMetric.get('checkout.inflight')).toMatchObject({ kind: 'sum', value: -4 });
    expect(byMetric.get('checkout.latency')).toMatchObject({
      kind: 'histogram',
      count: 4,
      sum: 784,
      min: 3,
      max: 700,
    });
    const orders = fromProtobuf.points.filter((point) => point.metric === 'checkout.orders');
    expect(orders.map((point) => point.attributes)).toEqual([
      expect.objectContaining({ outcome: 'ok', retried: 'false', attempt: '3' }),
      expect.objectContaining({ tags: '["a","b"]', ratio: '0.25' }),
    ]);
    expect(fromProtobuf.rejected).toBe(2); // the exponential histogram and the unlabelled sum
  });

  it('agrees with the JSON parser on the fixture, valid and broken', () => {
    const broken = otlpFixture();
    broken.cpuGauge.asDouble = 'NaN';
    broken.sumPoints[1]!.asInt = '-1';
    broken.histogram.aggregationTemporality = 7;
    broken.queueGauge.attributes = armAttributes('checkout-redesign', 'canary');
    for (const { body } of [otlpFixture(), broken]) {
      expect(parseOtlpMetricsProtobuf(toProtobuf(body))).toEqual(parseOtlpMetricsJson(body));
    }
    expect(parseOtlpMetricsProtobuf(toProtobuf(broken.body)).rejected).toBe(5);
  });

  it('keeps every digit of 64-bit timestamps and integer values', () => {
    const int64 = fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);
    const uint64 = fc.bigInt(1n, 2n ** 64n - 1n);
    fc.assert(
      fc.property(int64, uint64, (value, timeNanos) => {
        const fixture = otlpFixture();
        delete fixture.cpuGauge.asDouble;
        fixture.cpuGauge.asInt = value.toString();
        fixture.cpuGauge.timeUnixNano = timeNanos.toString();
        fixture.cpuGauge.startTimeUnixNano = '0';
        const decoded = decodeOtlpMetricsProtobuf(toProtobuf(fixture.body)) as FirstGauge;
        expect(decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]).toEqual({
          attributes: armAttributes(),
          timeUnixNano: timeNanos.toString(),
          asInt: value.toString(),
        });
        const [cpu] = parseOtlpMetricsProtobuf(toProtobuf(fixture.body)).points;
        expect(cpu).toMatchObject({
          value: Number(value),
          timeUnixMs: Number(timeNanos / 1_000_000n),
          startTimeUnixMs: null,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('takes the last of two values sent for one point, as protobuf parsers must', () => {
    const fixture = otlpFixture();
    delete fixture.cpuGauge.asDouble;
    fixture.cpuGauge.asInt = '3';
    const point = NumberDataPoint.encode(NumberDataPoint.fromObject(fixture.cpuGauge)).finish();
    const asDouble = Writer.create()
      .uint32((4 << 3) | 1)
      .double(0.42)
      .finish();
    // request.resource_metrics → scope_metrics → metrics → gauge → data_points, with the
    // resource (service.name) beside scope_metrics and the name beside the gauge.
    const request = nest([1, 2, 2, 5, 1], new Uint8Array([...point, ...asDouble]), {
      1: field(1, Resource.encode(Resource.fromObject(fixture.resource)).finish()),
      3: field(1, new TextEncoder().encode('process.cpu.utilization')),
    });
    const { points, rejected } = parseOtlpMetricsProtobuf(request);
    expect(rejected).toBe(0);
    expect(points).toMatchObject([{ metric: 'process.cpu.utilization', value: 0.42 }]);
  });

  it('refuses bytes that are not an ExportMetricsServiceRequest with BAD_REQUEST', () => {
    for (const bytes of [[0xff, 0xff, 0xff], [0x0a, 0x05, 0x01], [0x0c]]) {
      expect(() => parseOtlpMetricsProtobuf(new Uint8Array(bytes))).toThrow(
        expect.objectContaining({
          code: 'BAD_REQUEST',
          message: 'The body is not a valid OTLP protobuf metrics request',
        }),
      );
    }
  });

  it('never fails with anything but a RunwayError, whatever the bytes', () => {
    const valid = toProtobuf(otlpFixture().body);
    const mutated = fc
      .tuple(fc.nat(valid.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([at, patch]) => {
        const bytes = valid.slice();
        bytes.set(patch.subarray(0, bytes.length - at), at);
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        try {
          parseOtlpMetricsProtobuf(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(RunwayError);
          expect((error as RunwayError).code).toBe('BAD_REQUEST');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('treats an empty body as an empty request', () => {
    expect(parseOtlpMetricsProtobuf(new Uint8Array())).toEqual({
      points: [],
      rejected: 0,
      problems: [],
    });
  });

  it('reads a fixture point with its exact time', () => {
    const [cpu] = parseOtlpMetricsProtobuf(toProtobuf(otlpFixture().body)).points;
    expect(cpu).toMatchObject({ service: 'checkout', timeUnixMs: TIME_MS, value: 0.42 });
  });
});

describe('protobuf responses', () => {
  it('sends a full success as an empty ExportMetricsServiceResponse', () => {
    const { contentType, body } = encodeExportMetricsResponse({}, 'protobuf');
    expect(contentType).toBe('application/x-protobuf');
    expect(body).toHaveLength(0);
  });

  it('sends a partial success the SDK decodes to the count and the message', () => {
    const fixture = otlpFixture();
    fixture.sumPoints[1]!.asInt = '-1';
    const response = exportMetricsResponse(parseOtlpMetricsJson(fixture.body));
    const { body } = encodeExportMetricsResponse(response, 'protobuf');
    const decoded = ProtobufMetricsSerializer.deserializeResponse(body as Uint8Array);
    expect(decoded.partialSuccess).toEqual({
      rejectedDataPoints: 1,
      errorMessage: response.partialSuccess?.errorMessage,
    });
    expect(response.partialSuccess?.errorMessage).toMatch(/^1 data point rejected: /);
  });

  it('sends a google.rpc.Status with its code and message', () => {
    const status = { code: 3, message: 'The body is not valid', details: [] };
    const { contentType, body } = encodeRpcStatus(status, 'protobuf');
    expect(contentType).toBe('application/x-protobuf');
    // code = field 1 varint, message = field 2 length-delimited
    expect([...(body as Uint8Array).subarray(0, 4)]).toEqual([0x08, 3, 0x12, 21]);
    expect(RpcStatusMessage.toObject(RpcStatusMessage.decode(body as Uint8Array))).toEqual({
      code: 3,
      message: 'The body is not valid',
    });
    expect(encodeRpcStatus(status, 'json')).toEqual({
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(status),
    });
  });
});
