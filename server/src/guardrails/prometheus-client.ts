import { checkPromqlTemplate, renderPromql, type PromqlVars } from './promql-template';

/**
 * A client for the Prometheus HTTP API's instant queries, which Thanos, Mimir, VictoriaMetrics
 * and other Prometheus-compatible backends serve too. Its methods never throw: every failure
 * (unreachable, timeout, HTTP error, PromQL error, a body that is not Prometheus JSON) comes
 * back as `{ ok: false, error }`, so the guardrail engine can read it as "no verdict", never as
 * a pass.
 */

export interface PrometheusClientOptions {
  /** e.g. `http://prometheus:9090`, or with a path prefix (`http://mimir/prometheus`). */
  readonly baseUrl: string;
  /** Per request, including reading the body. */
  readonly timeoutMs?: number;
  /** Sent with every request: auth, `X-Scope-OrgID` for a multi-tenant Mimir or Cortex. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 2000;

/** `value` is null when the query selected nothing (an empty vector, or NaN): no data. */
export type PromQueryResult =
  | { readonly ok: true; readonly value: number | null }
  | { readonly ok: false; readonly error: string };

/**
 * A PromQL ratio SLI for one arm. `no_data` (the denominator selected no series, or counted
 * nothing) and `error` (Prometheus could not answer) are distinct; neither carries samples, so
 * neither can pass a guardrail.
 */
export type PromRatioResult =
  | {
      readonly ok: true;
      readonly kind: 'counts';
      readonly successes: number;
      readonly trials: number;
    }
  | {
      readonly ok: true;
      readonly kind: 'no_data';
      readonly successes: 0;
      readonly trials: 0;
      readonly reason: string;
    }
  | { readonly ok: false; readonly kind: 'error'; readonly error: string };

type Json = unknown;

export class PrometheusClient {
  private readonly queryUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetchImpl: typeof fetch;

  constructor(options: PrometheusClientOptions) {
    const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.queryUrl = new URL('api/v1/query', base).toString();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Evaluates `query` at `atMs` (epoch ms); a vector's series are summed. */
  async instantQuery(query: string, atMs: number): Promise<PromQueryResult> {
    // POST with a form body: long PromQL never hits a URL length limit on a proxy.
    const body = new URLSearchParams({ query, time: (atMs / 1000).toFixed(3) }).toString();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchImpl(this.queryUrl, {
        method: 'POST',
        headers: {
          ...this.headers,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        return {
          ok: false,
          error: `Prometheus at ${this.queryUrl} timed out after ${this.timeoutMs} ms`,
        };
      }
      return {
        ok: false,
        error: `Prometheus at ${this.queryUrl} unreachable: ${describeFetchError(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
    return parseQueryResponse(status, text);
  }

  /**
   * One arm's counts for a ratio SLI: the numerator (errors, conversions…) and the denominator
   * (requests…) rendered for `vars` and evaluated at `atMs`. `increase()` extrapolates, so both
   * are rounded to whole counts and successes clamped to [0, trials]. A numerator that selects
   * nothing while the denominator counts something is 0 successes: a labelled counter only
   * exists once it has been incremented.
   */
  async ratio(
    numeratorTemplate: string,
    denominatorTemplate: string,
    vars: PromqlVars,
    atMs: number,
  ): Promise<PromRatioResult> {
    const rendered = renderBoth(numeratorTemplate, denominatorTemplate, vars);
    if ('error' in rendered) return { ok: false, kind: 'error', error: rendered.error };
    const [numeratorQuery, denominatorQuery] = rendered.queries;
    const [numerator, denominator] = await Promise.all([
      this.instantQuery(numeratorQuery, atMs),
      this.instantQuery(denominatorQuery, atMs),
    ]);
    if (!denominator.ok)
      return { ok: false, kind: 'error', error: `denominator: ${denominator.error}` };
    if (!numerator.ok) return { ok: false, kind: 'error', error: `numerator: ${numerator.error}` };
    if (denominator.value === null) {
      return noData(`denominator selected no series for ${vars.experiment}/${vars.variant}`);
    }
    const numeratorValue = numerator.value ?? 0;
    if (!Number.isFinite(denominator.value) || !Number.isFinite(numeratorValue)) {
      return {
        ok: false,
        kind: 'error',
        error: `non-finite counts: numerator ${numeratorValue}, denominator ${denominator.value}`,
      };
    }
    const trials = Math.max(0, Math.round(denominator.value));
    if (trials === 0)
      return noData(`denominator counted nothing for ${vars.experiment}/${vars.variant}`);
    const successes = Math.min(trials, Math.max(0, Math.round(numeratorValue)));
    return { ok: true, kind: 'counts', successes, trials };
  }
}

function renderBoth(
  numeratorTemplate: string,
  denominatorTemplate: string,
  vars: PromqlVars,
): { queries: [string, string] } | { error: string } {
  const numeratorProblem = checkPromqlTemplate(numeratorTemplate);
  if (numeratorProblem) return { error: `numerator template: ${numeratorProblem}` };
  const denominatorProblem = checkPromqlTemplate(denominatorTemplate);
  if (denominatorProblem) return { error: `denominator template: ${denominatorProblem}` };
  try {
    return {
      queries: [renderPromql(numeratorTemplate, vars), renderPromql(denominatorTemplate, vars)],
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function noData(reason: string): PromRatioResult {
  return { ok: true, kind: 'no_data', successes: 0, trials: 0, reason };
}

/** Node's fetch hides the reason (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exported for unit tests: turns an HTTP status and body into a query result. */
export function parseQueryResponse(status: number, text: string): PromQueryResult {
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    const excerpt = text.slice(0, 200).trim();
    return {
      ok: false,
      error: `Prometheus answered HTTP ${status} with a body that is not JSON: ${excerpt}`,
    };
  }
  if (!isRecord(body))
    return { ok: false, error: `Prometheus answered HTTP ${status} with unexpected JSON` };
  if (body.status === 'error') {
    return {
      ok: false,
      error: `Prometheus answered HTTP ${status}: ${String(body.errorType ?? 'error')}: ${String(body.error ?? '')}`,
    };
  }
  if (status < 200 || status > 299)
    return { ok: false, error: `Prometheus answered HTTP ${status}` };
  if (body.status !== 'success' || !isRecord(body.data)) {
    return { ok: false, error: 'Prometheus answered without status "success" and data' };
  }
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const value = sampleValue(result);
    if (value === undefined) return { ok: false, error: 'Prometheus answered a malformed scalar' };
    return { ok: true, value: Number.isNaN(value) ? null : value };
  }
  if (resultType !== 'vector') {
    return { ok: false, error: `PromQL must give a vector or scalar, got ${String(resultType)}` };
  }
  if (!Array.isArray(result)) return { ok: false, error: 'Prometheus answered a malformed vector' };
  let sum: number | null = null;
  for (const series of result) {
    const value = isRecord(series) ? sampleValue(series.value) : undefined;
    if (value === undefined) return { ok: false, error: 'Prometheus answered a malformed vector' };
    // A NaN series (0/0 in a rule) is one with nothing to say, not a poison for the sum.
    if (!Number.isNaN(value)) sum = (sum ?? 0) + value;
  }
  return { ok: true, value: sum };
}

/** A `[timestamp, "value"]` pair's value; Prometheus spells infinities `+Inf` / `-Inf`. */
function sampleValue(pair: Json): number | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') return undefined;
  const text = pair[1];
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.trim() === '' || Number.isNaN(value) ? undefined : value;
}
