import type { AuditRow } from '../../server/src/audit/audit-chain';
import { GUARDRAIL_INTERVAL_MS } from '../../server/src/serve';
import {
  guardedSpec,
  startExperiments,
  startGuardedServer,
  timeEvaluations,
  verdictRecorded,
  type GuardedServer,
} from './guarded-server';
import { progress, summarize, type Checks, type Row } from './stats';

export interface DecisionBenchOptions {
  /** Measured breaches, each on a fresh experiment. */
  runs: number;
  warmup: number;
  /** Other guarded experiments running (and sending healthy telemetry) all along. */
  background: number;
}

interface Arm {
  requests: number;
  errors: number;
}

/** 1% errors in both arms: enough samples to judge, nothing to fail. */
const HEALTHY: Arm = { requests: 10_000, errors: 100 };
/** Then treatment at 4% against control's 1%: error_rate maxRelative 0.1 fails at once. */
const BREACH: { treatment: Arm; control: Arm } = {
  treatment: { requests: 10_000, errors: 400 },
  control: { requests: 10_000, errors: 100 },
};
const GUARDRAIL = {
  sli: 'error_rate',
  maxRelative: 0.1,
  window: '1m',
  action: 'rollback' as const,
};
const ROLLBACK_TIMEOUT_MS = 10_000;

interface Observed {
  /** When the rollback's audit row reached the change feed. */
  publishedAt: number;
  /** After the evaluation that wrote it returned, so after its transaction committed. */
  committedAt: number;
  /** Whether the feed saw it while the transaction was still open. */
  publishedInTransaction: boolean;
  row: AuditRow;
}

/**
 * Decision latency on the real server (in-process, so the change feed can be watched): from the
 * start of the OTLP request whose data makes an error_rate guardrail fail to the committed
 * rollback. Each run starts a fresh guarded experiment, sends it healthy data, then the breach.
 */
export async function runDecisionBench(
  options: DecisionBenchOptions,
  checks: Checks,
): Promise<Row[]> {
  const guarded = await startGuardedServer('decision');
  const latencies: number[] = [];
  const answered: number[] = [];
  const published: number[] = [];
  const deciding: number[] = [];
  let rolledBack = 0;
  let inTransaction = 0;
  try {
    const { runway } = guarded.running;
    const evaluations = timeEvaluations(guarded.running);
    const background = Array.from({ length: options.background }, (_, i) => `steady-${i + 1}`);
    progress(
      `decision: ${options.background} background guarded experiments, then ${options.warmup} warm-up + ${options.runs} measured breaches…`,
    );
    await startExperiments(
      guarded,
      background.map((key) => guardedSpec(key, [GUARDRAIL])),
    );
    for (let run = 0; run < options.warmup + options.runs; run++) {
      const measured = run >= options.warmup;
      const key = `breach-${run + 1}`;
      await startExperiments(guarded, [guardedSpec(key, [GUARDRAIL])]);
      const healthyAtMs = Date.now();
      const healthy = await sendArms(
        guarded,
        [key, ...background].map((experiment) => ({
          experiment,
          treatment: HEALTHY,
          control: HEALTHY,
        })),
      );
      await verdictRecorded(guarded, key, healthyAtMs, ROLLBACK_TIMEOUT_MS);
      const healthyState = runway.experimentStore.get(key)?.state;
      const rollback = watchRollback(guarded, key);
      const started = performance.now();
      const breach = await sendArms(guarded, [{ experiment: key, ...BREACH }]);
      const answeredAt = performance.now();
      const observed = await rollback;
      checks.check(
        healthy.ok && breach.ok,
        `decision run ${run + 1}: both OTLP requests answered 200 with nothing rejected (${healthy.note}; ${breach.note})`,
      );
      checks.check(
        healthyState === 'running',
        `decision run ${run + 1}: healthy data left ${key} running (it was ${healthyState})`,
      );
      const ok =
        observed !== null &&
        observed.row.actor === 'runway:guardrails' &&
        (observed.row.reason ?? '').includes('guardrail error_rate failed') &&
        runway.experimentStore.get(key)?.state === 'rolled_back';
      checks.check(
        ok,
        `decision run ${run + 1}: the guardrail engine rolled back ${key} (${observed ? `${observed.row.actor}: ${observed.row.reason}` : `no rollback within ${ROLLBACK_TIMEOUT_MS} ms`})`,
      );
      if (!measured || observed === null) continue;
      if (ok) rolledBack += 1;
      if (observed.publishedInTransaction) inTransaction += 1;
      latencies.push(observed.committedAt - started);
      published.push(observed.publishedAt - started);
      answered.push(answeredAt - started);
      // The microtask that observed the rollback ran after that evaluation returned.
      deciding.push(evaluations[evaluations.length - 1]!);
    }
    const stillRunning = background.filter(
      (key) => runway.experimentStore.get(key)?.state === 'running',
    ).length;
    checks.check(
      stillRunning === options.background,
      `decision: all ${options.background} background experiments still running (${stillRunning})`,
    );
  } finally {
    await guarded.close();
  }

  const decision = summarize(latencies);
  const interval = `guardrail timer interval (${GUARDRAIL_INTERVAL_MS.toLocaleString('en-US')} ms)`;
  const label = `decision latency: OTLP ingest start → committed rollback, ${options.background + 1} guarded running`;
  return [
    {
      benchmark: `${label}: p50`,
      value: decision.p50,
      unit: 'ms',
      baseline: interval,
      ratio: decision.p50 / GUARDRAIL_INTERVAL_MS,
    },
    {
      benchmark: `${label}: p99`,
      value: decision.p99,
      unit: 'ms',
      baseline: interval,
      ratio: decision.p99 / GUARDRAIL_INTERVAL_MS,
    },
    { benchmark: `${label}: max`, value: decision.max, unit: 'ms' },
    {
      benchmark: `  the breaching OTLP request answered: p50`,
      value: summarize(answered).p50,
      unit: 'ms',
    },
    {
      benchmark: `  the rollback reached the change feed: p50`,
      value: summarize(published).p50,
      unit: 'ms',
    },
    {
      benchmark: `  part: the guardrail evaluation that rolled back (all ${options.background + 1} running): p50`,
      value: summarize(deciding).p50,
      unit: 'ms',
    },
    {
      benchmark: `  rollbacks the feed saw before their transaction committed`,
      value: `${inTransaction}/${latencies.length}`,
      unit: 'runs',
    },
    {
      benchmark: `  guardrail evaluation timer (the decision does not wait for it)`,
      value: GUARDRAIL_INTERVAL_MS,
      unit: 'ms',
    },
    {
      benchmark: `  breaches rolled back by the guardrail engine`,
      value: `${rolledBack}/${options.runs} (+${options.warmup} warm-up)`,
      unit: 'runs',
    },
  ];
}

/** Resolves with the rollback of `key` as the change feed delivers it, or null on timeout. */
function watchRollback(guarded: GuardedServer, key: string): Promise<Observed | null> {
  const { runway } = guarded.running;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(null);
    }, ROLLBACK_TIMEOUT_MS);
    const unsubscribe = runway.feed.subscribe((rows) => {
      const row = rows.find(
        (candidate) =>
          candidate.action === 'experiment.rollback' && candidate.experimentKey === key,
      );
      if (!row) return;
      const publishedAt = performance.now();
      const publishedInTransaction = runway.db.inTransaction;
      clearTimeout(timer);
      unsubscribe();
      // A microtask runs once the synchronous evaluation (and its transaction) has finished.
      queueMicrotask(() =>
        resolve({ publishedAt, committedAt: performance.now(), publishedInTransaction, row }),
      );
    });
  });
}

interface ArmsOf {
  experiment: string;
  treatment: Arm;
  control: Arm;
}

/** One OTLP/HTTP JSON export of request and error counts (delta sums) for each arm. */
async function sendArms(
  guarded: GuardedServer,
  experiments: readonly ArmsOf[],
): Promise<{ ok: boolean; note: string }> {
  const timeMs = Date.now();
  const point = (experiment: string, variant: string, value: number) => ({
    attributes: [
      { key: 'runway.experiment', value: { stringValue: experiment } },
      { key: 'runway.variant', value: { stringValue: variant } },
    ],
    startTimeUnixNano: `${timeMs - 1_000}000000`,
    timeUnixNano: `${timeMs}000000`,
    asInt: String(value),
  });
  const sum = (name: string, pick: (arm: Arm) => number) => ({
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: experiments.flatMap((entry) => [
        point(entry.experiment, 'treatment', pick(entry.treatment)),
        point(entry.experiment, 'control', pick(entry.control)),
      ]),
    },
  });
  const body = {
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
  };
  const response = await fetch(`${guarded.running.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${guarded.token}` },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as { partialSuccess?: { rejectedDataPoints?: string } };
  const rejected = Number(payload.partialSuccess?.rejectedDataPoints ?? 0);
  return {
    ok: response.status === 200 && rejected === 0,
    note: `${response.status}, ${rejected} rejected`,
  };
}
