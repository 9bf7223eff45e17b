import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryResponse, PrometheusClient } from './prometheus-client';

// The real-Prometheus behaviour is in test/guardrails/prometheus-source.test.ts; these cover the
// answers a real Prometheus will not give on demand (hangs, garbage, odd values).

function vector(...values: string[]): string {
  const result = values.map((value, i) => ({
    metric: { i: String(i) },
    value: [1700000000, value],
  }));
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
}

describe('parseQueryResponse', () => {
  it('sums a vector; an empty one is no data', () => {
    expect(parseQueryResponse(200, vector('12.5'))).toEqual({ ok: true, value: 12.5 });
    expect(parseQueryResponse(200, vector('1', '2', '3.5'))).toEqual({ ok: true, value: 6.5 });
    expect(parseQueryResponse(200, vector())).toEqual({ ok: true, value: null });
  });

  it('reads NaN as no data and spells out infinities', () => {
    expect(parseQueryResponse(200, vector('NaN'))).toEqual({ ok: true, value: null });
    expect(parseQueryResponse(200, vector('NaN', '4'))).toEqual({ ok: true, value: 4 });
    expect(parseQueryResponse(200, vector('+Inf'))).toEqual({ ok: true, value: Infinity });
    const scalar = (value: string) =>
      JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, value] } });
    expect(parseQueryResponse(200, scalar('-Inf'))).toEqual({ ok: true, value: -Infinity });
    expect(parseQueryResponse(200, scalar('NaN'))).toEqual({ ok: true, value: null });
    expect(parseQueryResponse(200, scalar('0'))).toEqual({ ok: true, value: 0 });
  });

  it('reports Prometheus errors with their type and text', () => {
    const body = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' });
    expect(parseQueryResponse(400, body)).toEqual({
      ok: false,
      error: 'Prometheus answered HTTP 400: bad_data: parse error',
    });
  });

  it('rejects what is not a Prometheus answer', () => {
    const cases: [number, string, string][] = [
      [502, '<html>Bad Gateway</html>', 'HTTP 502 with a body that is not JSON: <html>Bad Gateway'],
      [200, '[]', 'unexpected JSON'],
      [503, '{}', 'HTTP 503'],
      [200, '{"status":"success"}', 'without status "success" and data'],
      [200, '{"status":"success","data":{"resultType":"matrix","result":[]}}', 'got matrix'],
      [200, '{"status":"success","data":{"resultType":"vector","result":[{}]}}', 'malformed'],
      [200, vector('twelve'), 'malformed vector'],
    ];
    for (const [status, body, message] of cases) {
      const result = parseQueryResponse(status, body);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toContain(message);
    }
  });
});

describe('PrometheusClient over loopback HTTP', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  async function serve(
    handler: (request: IncomingMessage, body: string, response: ServerResponse) => void,
  ): Promise<string> {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => handler(request, body, response));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('posts the form the Prometheus API expects, with the configured headers', async () => {
    const seen: { url?: string; body?: string; tenant?: string; type?: string } = {};
    const url = await serve((request, body, response) => {
      Object.assign(seen, {
        url: request.url,
        body,
        tenant: request.headers['x-scope-orgid'],
        type: request.headers['content-type'],
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(vector('7'));
    });
    const client = new PrometheusClient({
      baseUrl: `${url}/prometheus`,
      headers: { 'X-Scope-OrgID': 'team-a' },
    });
    expect(await client.instantQuery('sum(up{a="b"})', 1_700_000_000_250)).toEqual({
      ok: true,
      value: 7,
    });
    expect(seen.url).toBe('/prometheus/api/v1/query');
    expect(seen.type).toBe('application/x-www-form-urlencoded');
    expect(seen.tenant).toBe('team-a');
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({
      query: 'sum(up{a="b"})',
      time: '1700000000.250',
    });
  });

  it('gives up after timeoutMs on a Prometheus that never answers', async () => {
    const url = await serve(() => {});
    const client = new PrometheusClient({ baseUrl: url, timeoutMs: 100 });
    const started = Date.now();
    const result = await client.instantQuery('up', Date.now());
    expect(result).toEqual({
      ok: false,
      error: `Prometheus at ${url}/api/v1/query timed out after 100 ms`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rounds extrapolated counts, clamps successes, and tells no data from errors', async () => {
    const answers: Record<string, string> = {
      'num{e="a"}': vector('10.6'),
      'den{e="a"}': vector('99.5'),
      'num{e="b"}': vector('120.2'),
      'den{e="b"}': vector('100.4'),
      'num{e="c"}': vector(),
      'den{e="c"}': vector('50'),
      'num{e="d"}': vector('3'),
      'den{e="d"}': vector(),
      'num{e="e"}': vector(),
      'den{e="e"}': vector('0.3'),
      'num{e="f"}': vector('1'),
      'den{e="f"}': vector('+Inf'),
    };
    const url = await serve((_request, body, response) => {
      const query = new URLSearchParams(body).get('query') ?? '';
      response.writeHead(200).end(answers[query] ?? vector());
    });
    const client = new PrometheusClient({ baseUrl: url });
    const ratio = (experiment: string) =>
      client.ratio(
        'num{e="{{experiment}}"}',
        'den{e="{{experiment}}"}',
        {
          experiment,
          variant: 'treatment',
          rangeMs: 60_000,
        },
        Date.now(),
      );
    expect(await ratio('a')).toEqual({ ok: true, kind: 'counts', successes: 11, trials: 100 });
    expect(await ratio('b')).toEqual({ ok: true, kind: 'counts', successes: 100, trials: 100 });
    expect(await ratio('c')).toEqual({ ok: true, kind: 'counts', successes: 0, trials: 50 });
    expect(await ratio('d')).toMatchObject({ ok: true, kind: 'no_data', successes: 0, trials: 0 });
    expect(await ratio('e')).toMatchObject({ ok: true, kind: 'no_data', trials: 0 });
    expect(await ratio('f')).toMatchObject({ ok: false, kind: 'error' });
  });

  it('refuses a bad template without asking Prometheus', async () => {
    let asked = 0;
    const url = await serve((_request, _body, response) => {
      asked++;
      response.end(vector('1'));
    });
    const client = new PrometheusClient({ baseUrl: url });
    const vars = { experiment: 'x1', variant: 'control', rangeMs: 1000 } as const;
    expect(
      await client.ratio('a{e="{{experiment}}",v="{{arm}}"}', 'b{e="{{experiment}}"}', vars, 0),
    ).toEqual({ ok: false, kind: 'error', error: expect.stringContaining('numerator template') });
    expect(await client.ratio('a{e="{{experiment}}"}', 'b', vars, 0)).toEqual({
      ok: false,
      kind: 'error',
      error: 'denominator template: PromQL template must select the experiment with {{experiment}}',
    });
    expect(asked).toBe(0);
  });
});
