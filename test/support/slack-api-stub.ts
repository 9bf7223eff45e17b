import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for Slack's Web API (https://slack.com/api/METHOD) and for response_url
// endpoints: Bolt and @slack/web-api are pointed at it (slackApiUrl / SLACK_API_URL), it answers
// the way Slack does, records every call for assertions, and can fail on demand (500, 429 with
// Retry-After) to test delivery under an outage.

export interface RecordedCall {
  /** The Web API method (`chat.postMessage`), or `response_url` for a respond() POST. */
  method: string;
  /** Form fields or JSON body, with `blocks` / `attachments` parsed when sent as JSON text. */
  args: Record<string, unknown>;
  /** The bearer token it came with (null for response_url posts). */
  token: string | null;
  /** For response_url posts: the path it was posted to. */
  path: string;
  atMs: number;
}

export interface StubFault {
  status: 500 | 429 | 503;
  /** For 429: the Retry-After header, in seconds. */
  retryAfterSec?: number;
  /** How many calls fail before the stub answers normally again (default: until cleared). */
  count?: number;
}

export interface SlackApiStub {
  /** Base URL ending in `/api/`, as Bolt's slackApiUrl and SLACK_API_URL expect. */
  apiUrl: string;
  /** Base URL for response_url values: `${responseUrlBase}/anything`. */
  responseUrlBase: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Emails that users.lookupByEmail knows, and the Slack user IDs it answers with. */
  usersByEmail: Map<string, string>;
  /** Makes calls to `method` ('*' for all) fail as described until `count` calls have failed. */
  fail(method: string, fault: StubFault): void;
  clearFaults(): void;
  /** Resolves when `predicate(calls)` holds (checked on every call), or rejects after `timeoutMs`. */
  waitFor(
    predicate: (calls: readonly RecordedCall[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackApiStub(): Promise<SlackApiStub> {
  const calls: RecordedCall[] = [];
  const usersByEmail = new Map<string, string>();
  const faults = new Map<string, StubFault & { remaining: number }>();
  const waiters = new Set<() => void>();
  let tsCounter = 0;
  const nextTs = (): string => `1764400000.${String(++tsCounter).padStart(6, '0')}`;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://runway-test.slack.com/',
          team: 'Runway test',
          user: 'runway',
          team_id: 'T0RUNWAY',
          user_id: 'U0RUNWAYBOT',
          bot_id: 'B0RUNWAY',
        };
      case 'users.lookupByEmail': {
        const email = String(args['email'] ?? '');
        const id = usersByEmail.get(email.toLowerCase());
        return id
          ? { ok: true, user: { id, name: email.split('@')[0], profile: { email } } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args['users'] ?? 'X').replace(/^U/, '')}` } };
      case 'chat.postMessage': {
        const ts = nextTs();
        return {
          ok: true,
          channel: args['channel'],
          ts,
          message: { ts, text: args['text'], blocks: args['blocks'] },
        };
      }
      case 'chat.update':
        return { ok: true, channel: args['channel'], ts: args['ts'], text: args['text'] };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      default:
        return { ok: true };
    }
  };

  const server: Server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const path = new URL(request.url ?? '/', 'http://stub').pathname;
      const isApi = path.startsWith('/api/');
      const method = isApi ? path.slice('/api/'.length) : 'response_url';
      const auth = request.headers.authorization;
      calls.push({
        method,
        args: parseArgs(raw, request.headers['content-type']),
        token: auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null,
        path,
        atMs: Date.now(),
      });
      for (const wake of waiters) wake();
      const fault = faults.get(method) ?? faults.get('*');
      if (fault && fault.remaining > 0) {
        fault.remaining -= 1;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.status === 429) headers['retry-after'] = String(fault.retryAfterSec ?? 1);
        response.writeHead(fault.status, headers);
        response.end(
          JSON.stringify({
            ok: false,
            error: fault.status === 429 ? 'ratelimited' : 'internal_error',
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(isApi ? answer(method, calls.at(-1)!.args) : { ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrlBase: `${base}/respond`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    usersByEmail,
    fail: (method, fault) =>
      faults.set(method, { ...fault, remaining: fault.count ?? Number.POSITIVE_INFINITY }),
    clearFaults: () => faults.clear(),
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(calls)) {
          resolve();
          return;
        }
        const check = (): void => {
          if (!predicate(calls)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `Slack stub: condition not met within ${timeoutMs} ms; calls so far: ${calls.map((call) => call.method).join(', ') || 'none'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Slack's Web API takes form fields (objects as JSON text) or JSON; response_url takes JSON. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw.length === 0) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { _raw: raw };
    }
  }
  const args: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if ((name === 'blocks' || name === 'attachments') && value.startsWith('[')) {
      try {
        args[name] = JSON.parse(value);
        continue;
      } catch {
        // kept as text below
      }
    }
    args[name] = value;
  }
  return args;
}
