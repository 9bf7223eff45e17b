// The clients of the flag benchmark, run as their own process (as real SDKs and services are), so
// that their requests, JSON and timers do not share the server's event loop. Every time here is
// this process's performance.now(). Reads a job file (argv[2]); prints one JSON line.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import type { FlagChangeEvent } from '../../shared/src/api-types';
import { bucketOf } from '../../shared/src/flags/bucket';
import type { Allocation } from '../../shared/src/flags/bucket-ranges';
import { containsBucket } from '../../shared/src/flags/bucket-ranges';
import type { AppRouter } from '../../server/src/http/app-router';

export interface FlagClientJob {
  serverUrl: string;
  token: string;
  changes: number;
  evaluations: number;
  concurrency: number;
  /** A running experiment the pause/resume toggles act on. */
  toggleKey: string;
  /** A running experiment (50%) that the throughput phase evaluates. */
  evalFlag: { key: string; layer: string; allocation: Allocation };
  /** Keys of the experiments the rollback phase enqueues are `${rollbackPrefix}${i}`. */
  rollbackPrefix: string;
}

export interface FlagClientResult {
  toggles: Array<{ sinceIssueMs: number; sinceResponseMs: number; mutationMs: number }>;
  rollbacks: Array<{
    mutationMs: number;
    sseMs: number | null;
    singleMs: number | null;
    bulkMs: number | null;
  }>;
  unexpectedEvents: number;
  throughput: {
    evaluations: { count: number; ms: number; wrong: number; statuses: Record<string, number> };
    healthz: { count: number; ms: number; statuses: Record<string, number> };
  };
}

const WAIT_MS = 10_000;
const UNIT = 'bench-unit';
const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FlagClientJob;
const progress = (line: string): void => void process.stderr.write(`[bench]   ${line}\n`);
const base = new URL(job.serverUrl);
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency + 4 });
const auth = { authorization: `Bearer ${job.token}` };

/** One keep-alive HTTP request; the body is read whole. */
function send(
  method: string,
  path: string,
  body: string | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: body === null ? headers : { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            etag: (res.headers.etag as string | undefined) ?? null,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const trpc: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url: `${job.serverUrl}/trpc`,
        EventSource,
        connectionParams: () => ({ token: job.token }),
      }),
      false: httpLink({ url: `${job.serverUrl}/trpc`, headers: () => auth }),
    }),
  ],
});

// ---- the SSE subscriber: arrival time of every flag change, by key and version ---------------
const arrivals = new Map<string, number>();
const waiters = new Map<string, () => void>();
const seen = (key: string, version: number): string => `${key}@${version}`;
let eventsReceived = 0;

function arrival(key: string, version: number): Promise<number | null> {
  const id = seen(key, version);
  const known = arrivals.get(id);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(id);
      resolve(null);
    }, WAIT_MS);
    waiters.set(id, () => {
      clearTimeout(timer);
      resolve(arrivals.get(id)!);
    });
  });
}

const [head] = await trpc.audit.list.query({ limit: 1 });
let subscribed!: () => void;
const ready = new Promise<void>((resolve) => (subscribed = resolve));
const subscription = trpc.flags.changes.subscribe(
  { lastEventId: String(head?.seq ?? 0) },
  {
    onStarted: () => subscribed(),
    onData: ({ data }: { data: FlagChangeEvent }) => {
      const now = performance.now();
      eventsReceived++;
      const id = seen(data.key, data.version);
      arrivals.set(id, now);
      waiters.get(id)?.();
      waiters.delete(id);
    },
    onError: (error) => progress(`SSE error: ${String(error)}`),
  },
);
await ready;

// ---- (a) pause/resume toggles: issue → SSE arrival ----------------------------------------------
const toggles: FlagClientResult['toggles'] = [];
let version = (await trpc.experiments.get.query({ key: job.toggleKey })).version;
let paused = false;
for (let index = 0; index < job.changes; index++) {
  const started = performance.now();
  const result = paused
    ? await trpc.experiments.resume.mutate({ key: job.toggleKey, expectedVersion: version })
    : await trpc.experiments.pause.mutate({
        key: job.toggleKey,
        expectedVersion: version,
        reason: 'flag bench toggle',
      });
  const answered = performance.now();
  paused = !paused;
  version = result.changed[0]!.version;
  const arrived = await arrival(job.toggleKey, version);
  if (arrived !== null) {
    toggles.push({
      sinceIssueMs: arrived - started,
      sinceResponseMs: arrived - answered,
      mutationMs: answered - started,
    });
  }
}
progress(`${toggles.length}/${job.changes} pause/resume toggles seen on the SSE stream`);

// ---- (b) rollbacks: issue → SSE arrival, and → OFREP pollers seeing control ---------------------
interface PollTarget {
  key: string;
  /** The value the poller waits for, and when it saw it. */
  want: boolean;
  seenAt: number | null;
  done: () => void;
}

/** A client polling one flag back to back; `bulk` polls every flag with If-None-Match instead. */
class Poller {
  private target: PollTarget | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;
  private etag: string | null = null;
  readonly loop: Promise<void>;

  constructor(private readonly bulk: boolean) {
    this.loop = this.run();
  }

  /** Polls `key` until it answers `want`; resolves with when it did (null on timeout). */
  watch(key: string, want: boolean): Promise<number | null> {
    return new Promise((resolve) => {
      const target: PollTarget = {
        key,
        want,
        seenAt: null,
        done: () => {
          clearTimeout(timer);
          if (this.target === target) this.target = null;
          resolve(target.seenAt);
        },
      };
      const timer = setTimeout(target.done, WAIT_MS);
      this.target = target;
      this.wake?.();
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async valueOf(key: string): Promise<boolean | null> {
    const context = JSON.stringify({ context: { targetingKey: UNIT } });
    if (!this.bulk) {
      const path = `/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`;
      const answer = await send('POST', path, context, auth);
      return answer.status === 200 ? (JSON.parse(answer.text) as { value: boolean }).value : null;
    }
    const conditional: Record<string, string> = this.etag ? { 'if-none-match': this.etag } : {};
    const answer = await send('POST', '/ofrep/v1/evaluate/flags', context, {
      ...auth,
      ...conditional,
    });
    if (answer.status === 304) return null;
    this.etag = answer.etag;
    const { flags } = JSON.parse(answer.text) as { flags: Array<{ key: string; value: boolean }> };
    return flags.find((flag) => flag.key === key)?.value ?? null;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const target = this.target;
      if (!target) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const value = await this.valueOf(target.key);
      if (value === target.want && this.target === target) {
        target.seenAt = performance.now();
        target.done();
      }
    }
  }
}

const single = new Poller(false);
const bulk = new Poller(true);
const rollbacks: FlagClientResult['rollbacks'] = [];
for (let index = 0; index < job.changes; index++) {
  const key = `${job.rollbackPrefix}${index}`;
  const enqueued = await trpc.experiments.enqueue.mutate({
    specs: [
      {
        key,
        title: `Flag bench ${index}`,
        owner: 'bench@example.com',
        team: 'payments',
        service: 'checkout',
        layer: `flag-bench-layer-${index}`,
        risk: 'low',
        stages: [{ percent: 100, hold: '1h' }],
      },
    ],
  });
  // The scheduler loop starts it (version 2); both pollers first see it serve treatment.
  const started = await arrival(key, enqueued.experiments[0]!.version + 1);
  const [singleLive, bulkLive] = await Promise.all([
    single.watch(key, true),
    bulk.watch(key, true),
  ]);
  if (started === null || singleLive === null || bulkLive === null) {
    progress(`${key} did not go live; skipped`);
    continue;
  }
  const watching = Promise.all([single.watch(key, false), bulk.watch(key, false)]);
  const issued = performance.now();
  const result = await trpc.experiments.rollback.mutate({
    key,
    expectedVersion: enqueued.experiments[0]!.version + 1,
    reason: 'flag bench rollback',
  });
  const answered = performance.now();
  const sse = await arrival(key, result.changed[0]!.version);
  const [singleSeen, bulkSeen] = await watching;
  rollbacks.push({
    mutationMs: answered - issued,
    sseMs: sse === null ? null : sse - issued,
    singleMs: singleSeen === null ? null : singleSeen - issued,
    bulkMs: bulkSeen === null ? null : bulkSeen - issued,
  });
}
single.stop();
bulk.stop();
await Promise.all([single.loop, bulk.loop]);
subscription.unsubscribe();
progress(`${rollbacks.length}/${job.changes} rollbacks measured`);
// Every change made here is one event: toggles, and a start plus a rollback per experiment.
const unexpectedEvents = eventsReceived - (job.changes + 2 * job.changes);

// ---- (c) throughput: OFREP single-flag evaluations vs GET /healthz, same keep-alive clients ----
async function hammer(
  count: number,
  once: (index: number) => Promise<number>,
): Promise<{ ms: number; statuses: Record<string, number> }> {
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      for (let index = next++; index < count; index = next++) {
        const status = await once(index);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return { ms: performance.now() - started, statuses };
}

const { key: evalKey, layer, allocation } = job.evalFlag;
const evalPath = `/ofrep/v1/evaluate/flags/${encodeURIComponent(evalKey)}`;
let wrong = 0;
const evaluate = async (index: number): Promise<number> => {
  const targetingKey = `user-${index % 10_000}`;
  const answer = await send('POST', evalPath, JSON.stringify({ context: { targetingKey } }), auth);
  const expected = containsBucket(allocation, bucketOf(layer, targetingKey));
  if (answer.status !== 200 || (JSON.parse(answer.text) as { value: boolean }).value !== expected)
    wrong++;
  return answer.status;
};
const health = async (): Promise<number> => (await send('GET', '/healthz', null)).status;
await hammer(Math.min(500, job.evaluations), evaluate); // warm-up
wrong = 0;
await hammer(Math.min(500, job.evaluations), health);
const evaluations = await hammer(job.evaluations, evaluate);
const healthz = await hammer(job.evaluations, health);
agent.destroy();

const result: FlagClientResult = {
  toggles,
  rollbacks,
  unexpectedEvents,
  throughput: {
    evaluations: { count: job.evaluations, wrong, ...evaluations },
    healthz: { count: job.evaluations, ...healthz },
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
