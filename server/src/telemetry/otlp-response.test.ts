import { describe, expect, it } from 'vitest';
import { RunwayError } from '../../../shared/src/errors';
import { parseOtlpMetricsJson } from './otlp-json';
import { exportMetricsResponse, otlpErrorResponse, summarizeProblems } from './otlp-response';
import { otlpFixture } from './otlp-test-fixtures';

describe('exportMetricsResponse', () => {
  it('is an empty object when everything was accepted', () => {
    expect(exportMetricsResponse(parseOtlpMetricsJson(otlpFixture().body))).toEqual({});
  });

  it('reports a partial success with the count as an int64 string and the first problems', () => {
    const fixture = otlpFixture();
    fixture.cpuGauge.asDouble = 'NaN';
    fixture.sumPoints[1]!.asInt = '-1';
    const body = exportMetricsResponse(parseOtlpMetricsJson(fixture.body));
    expect(body).toEqual({
      partialSuccess: {
        rejectedDataPoints: '2',
        errorMessage:
          '2 data points rejected: ' +
          'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble: must be a finite number, got NaN; ' +
          'resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[1].asInt: must not be negative in a monotonic sum, got -1',
      },
    });
  });

  it('sends warnings with rejectedDataPoints "0"', () => {
    const body = exportMetricsResponse({
      rejected: 0,
      problems: [{ path: 'resourceMetrics[0].scopeMetrics[0].metrics[0]', message: 'has no data' }],
    });
    expect(body.partialSuccess).toEqual({
      rejectedDataPoints: '0',
      errorMessage:
        'all data points accepted, with warnings: resourceMetrics[0].scopeMetrics[0].metrics[0]: has no data',
    });
  });
});

describe('summarizeProblems', () => {
  it('spells out five problems, counts the rest and stays short', () => {
    const problems = Array.from({ length: 40 }, (_, index) => ({
      path: `p[${index}]`,
      message: 'x'.repeat(300),
    }));
    const message = summarizeProblems(40, problems);
    expect(message.startsWith('40 data points rejected: p[0]: xxx')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(1_000);
    expect(
      summarizeProblems(
        9,
        problems.slice(0, 7).map((p) => ({ ...p, message: 'bad' })),
      ),
    ).toBe(
      '9 data points rejected: p[0]: bad; p[1]: bad; p[2]: bad; p[3]: bad; p[4]: bad; and 2 more problems',
    );
  });
});

describe('otlpErrorResponse', () => {
  it('maps a refused envelope to 400 and a google.rpc.Status with INVALID_ARGUMENT', () => {
    let caught: unknown;
    try {
      parseOtlpMetricsJson({ resourceMetrics: {} });
    } catch (error) {
      caught = error;
    }
    expect(otlpErrorResponse(caught)).toEqual({
      status: 400,
      body: {
        code: 3,
        message:
          'The body is not a well-formed OTLP metrics request: resourceMetrics: must be an array, got an object',
        details: [],
      },
    });
  });

  it('uses the registry status for other codes', () => {
    const tooLarge = new RunwayError('PAYLOAD_TOO_LARGE', 'The request is too large');
    expect(otlpErrorResponse(tooLarge)).toMatchObject({ status: 413, body: { code: 3 } });
    const unauthorized = new RunwayError('UNAUTHORIZED', 'A bearer token is required');
    expect(otlpErrorResponse(unauthorized)).toEqual({
      status: 401,
      body: { code: 16, message: 'A bearer token is required', details: [] },
    });
  });

  it('hides the message of an unexpected error behind a 500', () => {
    expect(otlpErrorResponse(new Error('database path /secret/x'))).toEqual({
      status: 500,
      body: { code: 13, message: 'Internal error', details: [] },
    });
  });
});
