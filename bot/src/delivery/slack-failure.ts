// How a failed Slack Web API call is retried. The WebClient is built with its own retries off
// and rate-limited calls rejected, so every failure surfaces here and the outbox's schedule
// (persisted, visible, testable) is the only retry policy.

import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';

export type SlackFailure =
  /** 429: wait at least Retry-After before calling Slack again (for any message). */
  | { kind: 'rate_limited'; retryAfterMs: number; message: string }
  /** Slack or the network is having trouble: retry with backoff. */
  | { kind: 'transient'; message: string }
  /** Slack said no for a reason retrying cannot fix (unknown channel, user, bad token). */
  | { kind: 'permanent'; error: string; message: string };

/** Platform errors Slack documents as temporary. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
  'team_added_to_org',
]);

/** The bot token or the app's installation is wrong: every call fails the same way until fixed. */
const TOKEN_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'ekm_access_denied',
  'team_access_not_granted',
]);

export function classifySlackFailure(error: unknown): SlackFailure {
  if (error instanceof WebAPIRateLimitedError) {
    const seconds =
      Number.isFinite(error.retryAfter) && error.retryAfter > 0 ? error.retryAfter : 1;
    return {
      kind: 'rate_limited',
      retryAfterMs: seconds * 1000,
      message: `rate limited by Slack (Retry-After ${seconds} s)`,
    };
  }
  if (error instanceof WebAPIHTTPError) {
    // 4xx other than 429 means the request itself is wrong: retrying sends the same request.
    if (error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 408) {
      return {
        kind: 'permanent',
        error: `http_${error.statusCode}`,
        message: `Slack answered HTTP ${error.statusCode}`,
      };
    }
    return { kind: 'transient', message: `Slack answered HTTP ${error.statusCode}` };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (TOKEN_ERRORS.has(code)) {
      // Fixable by whoever runs Runway (a new token, a scope): keep the page until they do.
      return {
        kind: 'transient',
        message: `Slack refused the bot token (${code}): check SLACK_BOT_TOKEN and the app's scopes`,
      };
    }
    return TRANSIENT_PLATFORM_ERRORS.has(code)
      ? { kind: 'transient', message: `Slack error ${code}` }
      : { kind: 'permanent', error: code, message: `Slack refused: ${code}` };
  }
  if (error instanceof WebAPIRequestError) {
    return { kind: 'transient', message: `could not reach Slack: ${error.original.message}` };
  }
  // Anything else is a bug or an unexpected shape: retry (with backoff) rather than drop a page.
  return {
    kind: 'transient',
    message: error instanceof Error ? error.message : String(error),
  };
}

export interface BackoffPolicy {
  /** The wait after the first failure; doubled after each further one. */
  baseMs: number;
  /** The longest wait between two attempts. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * How long to wait before the next attempt, after `failedAttempts` failures in a row (this one
 * included). Exponential with a cap; a 429's Retry-After is a floor, never shortened. No jitter:
 * one process drains the outbox, so there is no herd to spread, and tests can assert the schedule.
 */
export function retryDelayMs(
  failure: SlackFailure,
  failedAttempts: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 30));
  const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return failure.kind === 'rate_limited' ? Math.max(failure.retryAfterMs, policy.baseMs) : backoff;
}
