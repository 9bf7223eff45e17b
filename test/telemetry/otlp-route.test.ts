import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// POST /v1/metrics against the real server, with plain fetch as any OTLP exporter would.

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

const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const text = (value: string) => ({ stringValue: value });

interface SumOptions {
  experiment?: string;
  value?: unknown;
  timeMs?: number;
  temporality?: number;
  startMs?: number;
}

/** One export with one sum point (delta by default) on the checkout service. */
function sumExport(options: SumOptions = {}): Record<string, unknown> {
  const timeMs = options.timeMs ?? Date.now();
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: text('checkout') }] },
        scopeMetrics: [
          {
            scope: { name: 'checkout' },
            metrics: [
              {
                name: 'checkout.orders',
                sum: {
                  aggregationTemporality: options.temporality ?? 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [
                        {
                          key: 'runway.experiment',
                          value: text(options.experiment ?? 'checkout-v2'),
                        },
                        { key: 'runway.variant', value: text('treatment') },
                      ],
                      startTimeUnixNano: nanos(options.startMs ?? timeMs - 1_000),
                      timeUnixNano: nanos(timeMs),
                      asInt: options.value ?? '5',
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

interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

async function post(
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  options: { token?: string | null; headers?: Record<string, string>; method?: string } = {},
): Promise<Reply> {
  const token = options.token === undefined ? server.tokens.alice : options.token;
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    ...(options.method === 'GET' ? {} : { body, duplex: 'half' }),
  } as RequestInit);
  const raw = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(raw) as unknown };
}

const postJson = (body: unknown, options: Parameters<typeof post>[1] = {}) =>
  post(JSON.stringify(body), options);

function orders(fromMs: number) {
  return server.runway.telemetry.aggregate(
    'checkout-v2',
    'treatment',
    'checkout.orders',
    fromMs,
    Date.now() + 60_000,
  );
}

describe('POST /v1/metrics', () => {
  it('accepts an export with 200 {} and rolls it up for the experiment', async () => {
    const since = Date.now() - 60_000;
    const before = orders(since).sum?.total ?? 0;
    expect(await postJson(sumExport({ value: '5' }))).toMatchObject({ status: 200, json: {} });
    expect(await postJson(sumExport({ value: 7 }))).toMatchObject({ status: 200, json: {} });
    expect(orders(since).sum?.total).toBe(before + 12);
    const seen = server.runway.telemetry.lastSeen('checkout-v2');
    expect(seen.map((arm) => arm.variant)).toEqual(['treatment']);
  });

  it('turns cumulative totals into deltas across two exports', async () => {
    const startMs = Date.now() - 30_000;
    const cumulative = (value: string, timeMs: number) =>
      sumExport({ temporality: 2, value, startMs, timeMs });
    const since = Date.now() - 60_000;
    const before = orders(since).sum?.total ?? 0;
    await postJson(cumulative('1000', Date.now() - 2_000));
    expect(orders(since).sum?.total ?? 0).toBe(before);
    await postJson(cumulative('1003', Date.now() - 1_000));
    expect(orders(since).sum?.total).toBe(before + 3);
  });

  it('accepts a gzipped export', async () => {
    const reply = await post(gzipSync(JSON.stringify(sumExport())), {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(reply).toMatchObject({ status: 200, json: {} });
  });

  it('reports unknown experiments and bad points as a partial success', async () => {
    const body = sumExport({ experiment: 'no-such-experiment' });
    const resource = (body.resourceMetrics as Array<{ scopeMetrics: unknown[] }>)[0]!;
    const other = sumExport({ value: 'lots' });
    resource.scopeMetrics.push(
      ...(other.resourceMetrics as Array<{ scopeMetrics: unknown[] }>)[0]!.scopeMetrics,
    );
    const reply = await postJson(body);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      partialSuccess: {
        rejectedDataPoints: '2',
        errorMessage: expect.stringMatching(
          /^2 data points rejected: resourceMetrics\[0\]\.scopeMetrics\[1\]\.metrics\[0\]\.sum\.dataPoints\[0\]\.asInt: must be an integer.*; runway\.experiment "no-such-experiment" is not a known experiment; 1 data point rejected$/,
        ),
      },
    });
  });

  it('refuses a body that is not JSON with 400', async () => {
    const reply = await post('{"resourceMetrics": [');
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 3,
      message: expect.stringMatching(/^The body is not valid JSON: /),
    });
  });

  it('refuses a body that is not an OTLP envelope with 400 naming the path', async () => {
    const reply = await postJson({ resourceMetrics: [{ scopeMetrics: { metrics: [] } }] });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      code: 3,
      message: expect.stringContaining('resourceMetrics[0].scopeMetrics: must be an array'),
      details: [],
    });
  });

  it('needs a bearer token of an operator or higher', async () => {
    const none = await postJson(sumExport(), { token: null });
    expect(none).toMatchObject({ status: 401, json: { code: 16 } });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await postJson(sumExport(), { token: 'not-a-token' })).toMatchObject({
      status: 401,
      json: { code: 16, message: expect.stringContaining('unknown or revoked token') },
    });
    expect(await postJson(sumExport(), { token: server.tokens.vic })).toMatchObject({
      status: 403,
      json: { code: 7, message: expect.stringContaining('needs the operator role') },
    });
    expect(await postJson(sumExport(), { token: server.tokens.admin })).toMatchObject({
      status: 200,
    });
  });

  it('refuses media types other than JSON and protobuf with 415', async () => {
    const form = await post('a=b', { headers: { 'content-type': 'text/plain' } });
    expect(form).toMatchObject({
      status: 415,
      json: {
        code: 3,
        message: expect.stringContaining('send OTLP as application/x-protobuf or application/json'),
      },
    });
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ resourceMetrics: [], padding: 'x'.repeat(1_100_000) });
    expect(await post(big)).toMatchObject({ status: 413, json: { code: 3 } });
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await post(stream);
    expect(streamed.status).toBe(413);
    expect(streamed.json).toMatchObject({ message: expect.stringContaining('larger than') });
    // The server is still fine afterwards.
    expect(await postJson(sumExport())).toMatchObject({ status: 200 });
  });

  it('answers 405 to anything but POST', async () => {
    const reply = await post('', { method: 'GET' });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
  });
});
