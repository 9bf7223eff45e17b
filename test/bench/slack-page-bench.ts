import { startSlackApiStub, type RecordedCall } from '../support/slack-api-stub';
import { TEST_SIGNING_SECRET } from '../support/slack-signing';
import {
  guardedSpec,
  startExperiments,
  startGuardedServer,
  verdictRecorded,
  type GuardedServer,
} from './guarded-server';
import { progress, summarize, type Checks, type Row } from './stats';

export interface SlackPageBenchOptions {
  /** Measured breaches, each on a fresh experiment. */
  runs: number;
  warmup: number;
}

/** The delivery loop's timer: createSlackDelivery's default, as served (a commit nudges it). */
const POLL_INTERVAL_MS = 1_000;
const PAGE_TIMEOUT_MS = 15_000;
const AIM_MS = 2_000;
const HEALTHY = { requests: 10_000, errors: 100 };
const BREACH = { treatment: { requests: 10_000, errors: 400 }, control: HEALTHY };
const GUARDRAIL = {
  sli: 'error_rate',
  maxRelative: 0.1,
  window: '1m',
  action: 'rollback' as const,
};
const OWNER_SLACK_ID = 'U0BENCH';
const CHANNEL = '#bench-pages';

/**
 * A guardrail rollback of an experiment nothing requires raises one page in its transaction: the
 * evidence, which says Runway rolled it back (it stands for the rollback's own page).
 */
const EXPECTED = ['guardrail:owner', 'guardrail:channel'];

/**
 * Page latency on the real server as served (scheduler, guardrail and Slack delivery loops on,
 * real clock), its Slack settings pointing at a local Slack stub: from the start of the OTLP
 * request whose data makes a guardrail fail to the page's chat.postMessage reaching the stub,
 * for the owner's DM and for the channel. Delivery is the server's own engine (serve.ts starts
 * it with the scheduler loop), the only one draining the database.
 */
export async function runSlackPageBench(
  options: SlackPageBenchOptions,
  checks: Checks,
): Promise<Row[]> {
  const stub = await startSlackApiStub();
  stub.usersByEmail.set('bench@example.com', OWNER_SLACK_ID);
  let guarded: GuardedServer | null = null;
  const decided: number[] = [];
  const firstPost: number[] = [];
  const evidence: number[] = [];
  const evidenceDm: number[] = [];
  const evidenceChannel: number[] = [];
  const delivering: number[] = [];
  let paged = 0;
  try {
    guarded = await startGuardedServer('slack-page', undefined, {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: stub.apiUrl,
      SLACK_DEFAULT_CHANNEL: CHANNEL,
    });
    const { runway } = guarded.running;
    checks.check(
      guarded.running.slackBot !== null,
      'slack page: the server runs with Slack on (bot mounted, delivery loop started)',
    );
    const pageOf = runway.db.prepare('SELECT kind, experiment_key AS key FROM pages WHERE id = ?');
    progress(
      `slack page: ${options.warmup} warm-up + ${options.runs} measured guardrail breaches, delivered by the server's own loop…`,
    );
    for (let run = 0; run < options.warmup + options.runs; run++) {
      const measured = run >= options.warmup;
      const key = `paged-${run + 1}`;
      await startExperiments(guarded, [guardedSpec(key, [GUARDRAIL])]);
      const healthyAtMs = Date.now();
      await send(guarded, key, HEALTHY, HEALTHY);
      // The breach is judged by an evaluation of its own, as in the decision benchmark.
      await verdictRecorded(guarded, key, healthyAtMs, PAGE_TIMEOUT_MS);
      const healthyState = runway.experimentStore.get(key)?.state;

      // When each page message of this experiment reached the stub, noted by the stub's request
      // handler as it records the call ("kind:destination" → performance.now()).
      const arrivals = new Map<string, number>();
      let scanned = stub.calls.length;
      const note = (calls: readonly RecordedCall[]): boolean => {
        for (; scanned < calls.length; scanned++) {
          const call = calls[scanned]!;
          if (call.method !== 'chat.postMessage') continue;
          const payload = metadataOf(call)?.event_payload;
          if (typeof payload?.page_id !== 'number') continue;
          const page = pageOf.get(payload.page_id) as { kind: string; key: string } | undefined;
          if (page?.key !== key) continue;
          const slot = `${page.kind}:${String(payload.destination)}`;
          if (!arrivals.has(slot)) arrivals.set(slot, performance.now());
        }
        return EXPECTED.every((slot) => arrivals.has(slot));
      };
      let rolledBackAt = Number.NaN;
      const unsubscribe = runway.feed.subscribe((rows) => {
        if (!rows.some((row) => row.action === 'experiment.rollback' && row.experimentKey === key))
          return;
        // A microtask runs once the evaluation that wrote it (and its transaction) has returned.
        queueMicrotask(() => {
          if (Number.isNaN(rolledBackAt)) rolledBackAt = performance.now();
        });
      });
      const pages = stub.waitFor(note, PAGE_TIMEOUT_MS).then(
        () => true,
        () => false,
      );
      const started = performance.now();
      await send(guarded, key, BREACH.treatment, BREACH.control);
      const arrived = await pages;
      unsubscribe();
      checks.check(
        healthyState === 'running',
        `slack page run ${run + 1}: healthy data left ${key} running (it was ${healthyState})`,
      );
      checks.check(
        arrived && !Number.isNaN(rolledBackAt),
        `slack page run ${run + 1}: ${key} rolled back and its page reached the DM and the channel (${[...arrivals.keys()].join(', ') || 'none'} within ${PAGE_TIMEOUT_MS} ms)`,
      );
      if (!arrived || Number.isNaN(rolledBackAt) || !measured) continue;
      paged += 1;
      const at = (slot: string): number => arrivals.get(slot)! - started;
      const first = Math.min(...EXPECTED.map(at));
      decided.push(rolledBackAt - started);
      firstPost.push(first);
      evidence.push(Math.max(at('guardrail:owner'), at('guardrail:channel')));
      evidenceDm.push(at('guardrail:owner'));
      evidenceChannel.push(at('guardrail:channel'));
      delivering.push(first - (rolledBackAt - started));
    }

    // Every page is posted once to each destination, and the outbox has nothing left for Slack.
    const pending = runway.db.prepare(
      "SELECT COUNT(*) FROM outbox WHERE topic LIKE 'page.%' AND delivered_at IS NULL",
    );
    const deadline = performance.now() + PAGE_TIMEOUT_MS;
    while ((pending.pluck().get() as number) > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const perPage = runway.db
      .prepare(
        `SELECT p.id AS pageId, p.kind AS kind,
           SUM(m.status = 'posted' AND m.destination = 'owner') AS dm,
           SUM(m.status = 'posted' AND m.destination = 'channel') AS channel
         FROM pages p LEFT JOIN slack_page_messages m ON m.page_id = p.id GROUP BY p.id`,
      )
      .all() as Array<{ pageId: number; kind: string; dm: number | null; channel: number | null }>;
    const runs = options.warmup + options.runs;
    const posts = stub.callsTo('chat.postMessage');
    checks.check(
      perPage.length === runs &&
        perPage.every((page) => page.kind === 'guardrail') &&
        perPage.every((page) => page.dm === 1 && page.channel === 1) &&
        posts.length === 2 * perPage.length,
      `slack page: each breach raised one page (the guardrail's evidence, no second rollback page), posted once to the owner's DM and once to ${CHANNEL} (${perPage.length} pages for ${runs} breaches, ${posts.length} chat.postMessage)`,
    );
    checks.check(
      posts.every((call) =>
        [`D${OWNER_SLACK_ID.slice(1)}`, CHANNEL].includes(String(call.args['channel'])),
      ),
      `slack page: every page went to D${OWNER_SLACK_ID.slice(1)} or ${CHANNEL}`,
    );
    checks.check(
      (pending.pluck().get() as number) === 0,
      'slack page: no page message left undelivered in the outbox',
    );
  } finally {
    await guarded?.close();
    await stub.close();
  }

  const first = summarize(firstPost);
  const both = summarize(evidence);
  const decision = summarize(decided);
  const label = 'slack page: OTLP ingest start →';
  const vsDecision = (which: 'p50' | 'p99', value: number): Partial<Row> => ({
    baseline: `committed rollback ${which} (same runs)`,
    ratio: value / decision[which],
  });
  return [
    {
      benchmark: `${label} first page message at the Slack stub: p50`,
      value: first.p50,
      unit: 'ms',
      ...vsDecision('p50', first.p50),
    },
    {
      benchmark: `${label} first page message at the Slack stub: p99`,
      value: first.p99,
      unit: 'ms',
      ...vsDecision('p99', first.p99),
      target: `< ${AIM_MS.toLocaleString('en-US')} ms`,
    },
    {
      benchmark: `${label} guardrail page in the DM and the channel: p50`,
      value: both.p50,
      unit: 'ms',
      ...vsDecision('p50', both.p50),
    },
    {
      benchmark: `${label} guardrail page in the DM and the channel: p99`,
      value: both.p99,
      unit: 'ms',
      ...vsDecision('p99', both.p99),
      target: `< ${AIM_MS.toLocaleString('en-US')} ms`,
    },
    {
      benchmark: `${label} guardrail page, owner's DM: p50`,
      value: summarize(evidenceDm).p50,
      unit: 'ms',
    },
    {
      benchmark: `${label} guardrail page, channel: p50`,
      value: summarize(evidenceChannel).p50,
      unit: 'ms',
    },
    {
      benchmark: `  the committed rollback (decision), same runs: p50`,
      value: decision.p50,
      unit: 'ms',
    },
    {
      benchmark: `  the committed rollback (decision), same runs: p99`,
      value: decision.p99,
      unit: 'ms',
    },
    {
      benchmark: '  delivery part: committed rollback → first page message: p50',
      value: summarize(delivering).p50,
      unit: 'ms',
    },
    {
      benchmark: '  slack delivery loop timer (a committed change nudges it at once)',
      value: POLL_INTERVAL_MS,
      unit: 'ms',
    },
    {
      benchmark: '  guardrail breaches paged (1 page, 2 messages each)',
      value: `${paged}/${options.runs} (+${options.warmup} warm-up)`,
      unit: 'runs',
    },
  ];
}

function metadataOf(
  call: RecordedCall,
): { event_payload?: { page_id?: number; destination?: string } } | null {
  const raw = call.args['metadata'];
  if (raw === undefined) return null;
  try {
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      event_payload?: { page_id?: number; destination?: string };
    };
  } catch {
    return null;
  }
}

/** One OTLP/HTTP JSON export of request and error counts for both arms of `key`. */
async function send(
  guarded: GuardedServer,
  key: string,
  treatment: { requests: number; errors: number },
  control: { requests: number; errors: number },
): Promise<void> {
  const timeMs = Date.now();
  const point = (variant: string, value: number) => ({
    attributes: [
      { key: 'runway.experiment', value: { stringValue: key } },
      { key: 'runway.variant', value: { stringValue: variant } },
    ],
    startTimeUnixNano: `${timeMs - 1_000}000000`,
    timeUnixNano: `${timeMs}000000`,
    asInt: String(value),
  });
  const sum = (name: string, pick: (arm: typeof treatment) => number) => ({
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [point('treatment', pick(treatment)), point('control', pick(control))],
    },
  });
  const response = await fetch(`${guarded.running.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${guarded.token}` },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeMetrics: [
            {
              scope: { name: 'checkout' },
              metrics: [
                sum('runway.requests', (arm) => arm.requests),
                sum('runway.requests.errors', (arm) => arm.errors),
              ],
            },
          ],
        },
      ],
    }),
  });
  if (response.status !== 200) throw new Error(`OTLP export answered ${response.status}`);
  await response.body?.cancel();
}
