import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackFailure, retryDelayMs, type SlackFailure } from './slack-failure';

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('classifySlackFailure', () => {
  it('keeps Retry-After from a 429', () => {
    expect(classifySlackFailure(new WebAPIRateLimitedError(7))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7_000,
    });
  });

  it('retries server errors, the network, temporary Slack errors and token problems', () => {
    for (const error of [
      new WebAPIHTTPError(500, 'Internal Server Error', {}),
      new WebAPIHTTPError(503, 'Service Unavailable', {}),
      new WebAPIRequestError(new Error('ECONNRESET')),
      platform('internal_error'),
      platform('service_unavailable'),
      platform('invalid_auth'),
      platform('missing_scope'),
      new Error('something unexpected'),
    ]) {
      expect(classifySlackFailure(error).kind).toBe('transient');
    }
  });

  it('gives up on answers that retrying cannot change', () => {
    expect(classifySlackFailure(platform('channel_not_found'))).toMatchObject({
      kind: 'permanent',
      error: 'channel_not_found',
    });
    expect(classifySlackFailure(new WebAPIHTTPError(404, 'Not Found', {})).kind).toBe('permanent');
  });
});

describe('retryDelayMs', () => {
  const transient: SlackFailure = { kind: 'transient', message: 'HTTP 500' };

  it('doubles from the base up to the cap', () => {
    const policy = { baseMs: 1_000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(transient, n, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('never comes back before Retry-After, however few the failures', () => {
    const limited: SlackFailure = { kind: 'rate_limited', retryAfterMs: 20_000, message: '429' };
    expect(retryDelayMs(limited, 1)).toBe(20_000);
    expect(retryDelayMs({ ...limited, retryAfterMs: 10 }, 1, { baseMs: 500, maxMs: 1_000 })).toBe(
      500,
    );
  });
});
