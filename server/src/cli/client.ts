import { readFileSync } from 'node:fs';
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { ErrorIssue, RunwayErrorData } from '../../../shared/src/errors';
import { ConfigError, loadClientConfig, type ClientConfig } from '../config/config';
import type { AppRouter } from '../http/app-router';
import { CliError } from './cli-context';

export type RunwayApi = TRPCClient<AppRouter>;

/** How long one API call may take before the CLI gives up (CI must not hang forever). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface TokenSource {
  token: string;
  /** Where it came from, for messages: "RUNWAY_TOKEN" or the admin token file. */
  from: string;
}

export interface Connection {
  url: string;
  token: TokenSource;
  api: RunwayApi;
}

/** RUNWAY_URL / RUNWAY_TOKEN / RUNWAY_DB, parsed once; a bad value is bad usage (exit 2). */
export function clientConfig(env: NodeJS.ProcessEnv): ClientConfig {
  try {
    return loadClientConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError('CONFIG', error.message, { exitCode: 2 });
    throw error;
  }
}

/**
 * RUNWAY_TOKEN when set; otherwise the admin token the local server wrote beside its database
 * (DESIGN §7). Null when neither exists.
 */
export function findToken(config: ClientConfig): TokenSource | null {
  if (config.token) return { token: config.token, from: 'RUNWAY_TOKEN' };
  let text: string;
  try {
    text = readFileSync(config.adminTokenPath, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new CliError(
      'NO_TOKEN',
      `cannot read the admin token at ${config.adminTokenPath}: ${(error as Error).message}`,
      {
        hint: 'Run the CLI as the user who runs the server, or set RUNWAY_TOKEN.',
      },
    );
  }
  return text ? { token: text, from: config.adminTokenPath } : null;
}

export function noTokenError(config: ClientConfig): CliError {
  return new CliError(
    'NO_TOKEN',
    `no API token: RUNWAY_TOKEN is not set and there is no admin token at ${config.adminTokenPath}`,
    {
      hint: [
        'To get one:',
        '  - on the server machine, start Runway with `npm start` (or `npx runway serve`): it writes admin.token',
        '    beside its database; set RUNWAY_DB to that database if it is not .runway/runway.db in this folder;',
        '  - anywhere else, ask an admin to run `runway token create --name <you> --role operator`',
        '    and export RUNWAY_TOKEN=<the token>.',
      ].join('\n'),
    },
  );
}

export function makeApi(url: string, token: string): RunwayApi {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => ({ authorization: `Bearer ${token}` }),
        fetch: (input, init) => {
          const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
          const signal = init?.signal
            ? AbortSignal.any([init.signal as AbortSignal, timeout])
            : timeout;
          return fetch(input as Parameters<typeof fetch>[0], { ...(init as RequestInit), signal });
        },
      }),
    ],
  });
}

/** Connects with the configured URL and token; fails with how to get a token when there is none. */
export function connect(env: NodeJS.ProcessEnv): Connection {
  const config = clientConfig(env);
  const token = findToken(config);
  if (!token) throw noTokenError(config);
  return { url: config.url, token, api: makeApi(config.url, token.token) };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The network-level reason a call failed (connection refused, timeout), or null when the server answered. */
export function networkProblem(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  if (error.data) return null;
  let fetchFailed = false;
  let innermost: Error | null = null;
  for (
    let cause: unknown = error.cause, depth = 0;
    cause instanceof Error && depth < 5;
    cause = cause.cause, depth++
  ) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && NETWORK_CODES.has(code))
      return code === 'ECONNREFUSED' ? 'connection refused' : code;
    if (cause.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
    if (cause.message === 'fetch failed') fetchFailed = true;
    innermost = cause;
  }
  return fetchFailed ? (innermost?.message ?? 'fetch failed') : null;
}

export function unreachableError(url: string, problem: string): CliError {
  return new CliError('UNREACHABLE', `cannot reach the Runway server at ${url} (${problem})`, {
    hint: 'Is it running? Start one with `npm start` (or `npx runway serve`), or point RUNWAY_URL at a running server.',
  });
}

function runwayData(error: TRPCClientError<AppRouter>): RunwayErrorData | null {
  const data = error.data as { runway?: RunwayErrorData } | undefined;
  return data?.runway ?? null;
}

/** Turns whatever a call threw into a CliError: the server's refusal, the network, or a bad answer. */
export function toCliError(
  error: unknown,
  connection: { url: string; token?: TokenSource | null },
): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof TRPCClientError))
    return new CliError('INTERNAL', error instanceof Error ? error.message : String(error));
  const network = networkProblem(error);
  if (network) return unreachableError(connection.url, network);
  const runway = runwayData(error);
  if (!runway) {
    return new CliError(
      'BAD_RESPONSE',
      `unexpected answer from ${connection.url}: ${error.message}`,
      {
        hint: 'Check that RUNWAY_URL points at a Runway server.',
      },
    );
  }
  const issues: ErrorIssue[] = runway.issues ?? [];
  let hint: string | undefined;
  if (runway.code === 'UNAUTHORIZED' && connection.token) {
    hint =
      connection.token.from === 'RUNWAY_TOKEN'
        ? 'The token in RUNWAY_TOKEN was not accepted; ask an admin for a new one (`runway token create`).'
        : `The admin token in ${connection.token.from} was not accepted by ${connection.url}: does RUNWAY_DB point at that server's database?`;
  }
  return new CliError(runway.code, error.message, {
    issues,
    details: runway.details ?? {},
    ...(hint ? { hint } : {}),
  });
}

export function errorCode(error: unknown): string | null {
  return error instanceof TRPCClientError ? (runwayData(error)?.code ?? null) : null;
}
