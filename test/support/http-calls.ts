import { TRPCClientError } from '@trpc/client';
import type { RunwayErrorData } from '../../shared/src/errors';

/** What a plain HTTP call to the tRPC endpoint answered: status, parsed JSON (if any) and raw text. */
export interface HttpReply {
  status: number;
  text: string;
  json: unknown;
}

export interface TrpcErrorBody {
  error: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; path?: string; runway: RunwayErrorData };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function authHeaders(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** POSTs a raw body (already a string) to /trpc/<path>, the way any non-tRPC client would. */
export async function postRaw(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: parseJson(text) };
}

/** POSTs `input` as JSON to a mutation with a bearer token (or none). */
export function postProcedure(
  url: string,
  path: string,
  input: unknown,
  token: string | null,
): Promise<HttpReply> {
  return postRaw(url, path, JSON.stringify(input), authHeaders(token));
}

/** GETs a query (input in the query string, as tRPC's httpLink sends it). */
export async function getProcedure(
  url: string,
  path: string,
  input: unknown,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${url}/trpc/${path}${query}`, {
    headers: { ...authHeaders(token), ...headers },
  });
  const text = await response.text();
  return { status: response.status, text, json: parseJson(text) };
}

/** The result data of a successful call, or a thrown error describing the reply. */
export function resultOf<T>(reply: HttpReply): T {
  const data = (reply.json as { result?: { data?: T } } | undefined)?.result?.data;
  if (reply.status !== 200 || data === undefined)
    throw new Error(`expected a result, got HTTP ${reply.status}: ${reply.text.slice(0, 500)}`);
  return data;
}

/** `error.data.runway` of a failed plain-HTTP call, or undefined when the body has none. */
export function runwayErrorOf(reply: HttpReply): RunwayErrorData | undefined {
  return (reply.json as Partial<TrpcErrorBody> | undefined)?.error?.data?.runway;
}

export function errorMessageOf(reply: HttpReply): string | undefined {
  return (reply.json as Partial<TrpcErrorBody> | undefined)?.error?.message;
}

/** Code and message of a tRPC client error (the way the console and CLI branch on it). */
export function clientErrorOf(error: unknown): {
  code: string | undefined;
  httpStatus: number | undefined;
  message: string;
} {
  if (!(error instanceof TRPCClientError))
    throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  const data = error.data as { runway?: RunwayErrorData; httpStatus?: number } | undefined;
  return { code: data?.runway?.code, httpStatus: data?.httpStatus, message: error.message };
}

/** Awaits a call that must fail and returns its client error. */
export async function expectClientError(
  call: Promise<unknown>,
): Promise<ReturnType<typeof clientErrorOf>> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok)
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.value)}`);
  return clientErrorOf(outcome.error);
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
