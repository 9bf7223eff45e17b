import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricPoint } from '../../server/src/telemetry/metric-point';
import { parseOtlpMetricsJson } from '../../server/src/telemetry/otlp-json';
import type { RunningServer } from '../../server/src/serve';
import {
  guardedSpec,
  startExperiments,
  startGuardedServer,
  timeEvaluations,
} from './guarded-server';
import type { IngestClientJob, IngestClientResult } from './ingest-client';
import { buildExport, pointsPerExport, type ExportShape } from './otlp-load';
import { progress, summarize, type Checks, type Row } from './stats';

export interface IngestBenchOptions {
  /** Running experiments (with guardrails) the telemetry is about. */
  experiments: number;
  /** Concurrent senders (collectors), each sending its exports one after another. */
  lanes: number;
  /** Series per sender, arm, experiment and metric. */
  instancesPerLane: number;
  /** Points of each series in one export. */
  pointsPerSeries: number;
  warmupPerLane: number;
  /** Measured requests in all (rounded up to a multiple of `lanes`). */
  requests: number;
}

const STEP_MS = 2_000;

interface ServerTimings {
  ingestMs: number;
  ingestCalls: number;
  acceptedPoints: number;
  evaluations: number[];
}

/**
 * OTLP/HTTP JSON ingest against the real server (as served, on a file, synchronous = FULL) with
 * guarded experiments running, from a client process; then the same rows inserted raw with
 * better-sqlite3 in transactions of the same size (the ceiling on this machine).
 */
export async function runIngestBench(options: IngestBenchOptions, checks: Checks): Promise<Row[]> {
  const exportsPerLane = Math.ceil(options.requests / options.lanes);
  const spanMs = (options.warmupPerLane + exportsPerLane) * options.pointsPerSeries * STEP_MS;
  // The experiments start as if the telemetry's time span ago (and a minute more), then the
  // server's clock catches up with the present: the points all fall in their current stage, so
  // the guardrail evaluations see them, and no point is stamped in the server's future.
  let clockOffsetMs = -(spanMs + 60_000);
  const guarded = await startGuardedServer('ingest', { now: () => Date.now() + clockOffsetMs });
  const experiments = Array.from({ length: options.experiments }, (_, i) => `ingest-${i + 1}`);
  // Longer than the whole run, so that the time before the first batch is never a silence.
  const window = `${Math.ceil((spanMs + 60_000) / 60_000) + 10}m`;
  let client: IngestClientResult;
  let timings: ServerTimings;
  let lanes: ExportShape[];
  try {
    const { runway } = guarded.running;
    const guardrails = [
      { sli: 'error_rate', maxRelative: 0.2, window, action: 'pause' as const },
      { sli: 'latency_p95_ms', maxRelative: 0.2, window, action: 'pause' as const },
    ];
    progress(
      `ingest: starting ${options.experiments} guarded experiments on the real server (file, synchronous FULL)…`,
    );
    await startExperiments(
      guarded,
      experiments.map((key) => guardedSpec(key, guardrails)),
    );
    clockOffsetMs = 0;
    lanes = laneShapes(options, experiments, Date.now() - spanMs);
    timings = timeServerParts(guarded.running);
    progress(
      `ingest: ${options.lanes} senders × (${options.warmupPerLane} warm-up + ${exportsPerLane} measured) exports of ${pointsPerExport(lanes[0]!).toLocaleString('en-US')} points, from a client process…`,
    );
    client = await runClientProcess(guarded.dir, {
      serverUrl: guarded.running.url,
      token: guarded.token,
      lanes,
      warmupPerLane: options.warmupPerLane,
      exportsPerLane,
    });
    const verdicts: Record<string, number> = {};
    for (const key of experiments) {
      for (const status of runway.experimentStore.guardrailStatuses(key)) {
        verdicts[status.verdict] = (verdicts[status.verdict] ?? 0) + 1;
      }
    }
    checks.check(
      (verdicts.no_data ?? 0) === 0 && Object.keys(verdicts).length > 0,
      `ingest: the guardrails judged the telemetry (last verdicts ${JSON.stringify(verdicts)})`,
    );
    const states = runway.experimentStore.countByState();
    checks.check(
      states.running === options.experiments,
      `ingest: A/A telemetry trips no guardrail: ${options.experiments} experiments still running (${JSON.stringify(states)})`,
    );
  } finally {
    await guarded.close();
  }

  const perRequest = pointsPerExport(lanes[0]!);
  const totalRequests = options.lanes * (options.warmupPerLane + exportsPerLane);
  checks.check(
    client.statuses['200'] === totalRequests,
    `ingest: all ${totalRequests} OTLP requests (warm-up included) answered 200 (${JSON.stringify(client.statuses)})`,
  );
  checks.check(
    client.rejectedPoints === 0 && client.warmupRejectedPoints === 0,
    `ingest: partial success rejected 0 points (measured ${client.rejectedPoints}, warm-up ${client.warmupRejectedPoints}${client.messages.length ? `: ${client.messages.join(' | ')}` : ''})`,
  );
  checks.check(
    timings.acceptedPoints === totalRequests * perRequest,
    `ingest: the service kept all ${totalRequests * perRequest} points sent (kept ${timings.acceptedPoints})`,
  );

  progress(`ingest: the same rows, parsed in-process, then inserted raw with better-sqlite3…`);
  const raw = runRawBaseline(lanes, options, exportsPerLane, checks);

  const accepted = client.sentPoints - client.rejectedPoints;
  const ingestRate = (accepted / client.measuredMs) * 1_000;
  const rawRate = (raw.rows / raw.insertMs) * 1_000;
  const latency = summarize(client.latenciesMs);
  const perThousand = (ms: number, points: number): number => (ms / points) * 1_000;
  const evaluations = summarize(timings.evaluations);
  const label = `telemetry ingest, OTLP/HTTP JSON, ${perRequest.toLocaleString('en-US')} points/request, ${options.lanes} senders`;
  const rawLabel = `raw batched insert of the same rows, ${perRequest.toLocaleString('en-US')}/transaction (better-sqlite3, WAL, FULL)`;
  return [
    {
      benchmark: label,
      value: ingestRate,
      unit: 'points/s',
      baseline: 'raw batched insert',
      ratio: ingestRate / rawRate,
      target: '>= 0.25x of raw',
    },
    { benchmark: rawLabel, value: rawRate, unit: 'rows/s' },
    { benchmark: `  ingest request round trip: p50`, value: latency.p50, unit: 'ms' },
    { benchmark: `  ingest request round trip: p99`, value: latency.p99, unit: 'ms' },
    {
      benchmark: `  part: JSON.parse + OTLP parse (in-process, same bodies)`,
      value: perThousand(raw.parseMs, raw.rows),
      unit: 'ms/1k points',
    },
    {
      benchmark: `  part: telemetry.ingest (screen, cumulative→delta, fold, upserts, commit)`,
      value: perThousand(timings.ingestMs, timings.acceptedPoints),
      unit: 'ms/1k points',
    },
    {
      benchmark: `  part: end to end over HTTP, for comparison`,
      value: perThousand(client.measuredMs, accepted),
      unit: 'ms/1k points',
    },
    {
      benchmark: `  guardrail evaluations meanwhile (${evaluations.count}, after batches and on the timer, ${options.experiments} experiments): mean`,
      value: evaluations.mean,
      unit: 'ms',
    },
    {
      benchmark: `  measured`,
      value: `${client.requests} requests, ${accepted.toLocaleString('en-US')} points, ${(client.bodyBytes / 1e6).toFixed(0)} MB`,
      unit: '',
    },
  ];
}

function laneShapes(
  options: IngestBenchOptions,
  experiments: readonly string[],
  startMs: number,
): ExportShape[] {
  return Array.from({ length: options.lanes }, (_, lane) => ({
    service: 'checkout',
    experiments,
    instances: Array.from(
      { length: options.instancesPerLane },
      (_, instance) => `node-${lane + 1}-pod-${instance + 1}`,
    ),
    pointsPerSeries: options.pointsPerSeries,
    stepMs: STEP_MS,
    startMs,
  }));
}

/** Times the service's ingest and the guardrail evaluations on the server's own objects. */
function timeServerParts(running: RunningServer): ServerTimings {
  const timings: ServerTimings = {
    ingestMs: 0,
    ingestCalls: 0,
    acceptedPoints: 0,
    evaluations: timeEvaluations(running),
  };
  const { telemetry } = running.runway;
  const ingest = telemetry.ingest.bind(telemetry);
  telemetry.ingest = (points, nowMs) => {
    const started = performance.now();
    const result = ingest(points, nowMs);
    timings.ingestMs += performance.now() - started;
    timings.ingestCalls += 1;
    timings.acceptedPoints += result.accepted;
    return result;
  };
  return timings;
}

function runClientProcess(dir: string, job: IngestClientJob): Promise<IngestClientResult> {
  const jobPath = join(dir, 'ingest-client-job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  const script = fileURLToPath(new URL('./ingest-client.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, jobPath],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stderr) process.stderr.write(stderr);
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as IngestClientResult);
      },
    );
  });
}

/** One plain row per data point: the columns a MetricPoint has. */
const RAW_TABLE = `CREATE TABLE points (
  service TEXT NOT NULL, experiment_key TEXT NOT NULL, variant TEXT NOT NULL, metric TEXT NOT NULL,
  kind TEXT NOT NULL, temporality TEXT, monotonic INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  start_time_ms INTEGER, value REAL, count INTEGER, sum REAL, min_value REAL, max_value REAL,
  bucket_counts_json TEXT, explicit_bounds_json TEXT, attributes_json TEXT NOT NULL)`;

function rawRow(point: MetricPoint): unknown[] {
  return [
    point.service,
    point.experiment,
    point.variant,
    point.metric,
    point.kind,
    point.temporality,
    point.monotonic ? 1 : 0,
    point.timeUnixMs,
    point.startTimeUnixMs,
    point.value ?? null,
    point.count ?? null,
    point.sum ?? null,
    point.min ?? null,
    point.max ?? null,
    point.bucketCounts ? JSON.stringify(point.bucketCounts) : null,
    point.explicitBounds ? JSON.stringify(point.explicitBounds) : null,
    JSON.stringify(point.attributes),
  ];
}

/**
 * The measured exports again, built in this process: JSON.parse + the OTLP parser timed (a part
 * of ingest), then their points inserted one row each, a transaction per export (the ceiling).
 * Rows are built before each transaction is timed, so the figure is SQLite's alone.
 */
function runRawBaseline(
  lanes: readonly ExportShape[],
  options: IngestBenchOptions,
  exportsPerLane: number,
  checks: Checks,
): { rows: number; insertMs: number; parseMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(RAW_TABLE);
    const insert = db.prepare(`INSERT INTO points VALUES (${Array(17).fill('?').join(', ')})`);
    const insertBatch = db.transaction((rows: readonly unknown[][]) => {
      for (const row of rows) insert.run(row);
    });
    let rows = 0;
    let insertMs = 0;
    let parseMs = 0;
    for (const shape of lanes) {
      for (let index = 0; index < options.warmupPerLane + exportsPerLane; index++) {
        const measured = index >= options.warmupPerLane;
        const body = JSON.stringify(buildExport(shape, index));
        let started = performance.now();
        const parsed = parseOtlpMetricsJson(JSON.parse(body));
        if (measured) parseMs += performance.now() - started;
        const batch = parsed.points.map(rawRow);
        started = performance.now();
        insertBatch(batch);
        if (measured) {
          insertMs += performance.now() - started;
          rows += batch.length;
        }
      }
    }
    const count = db.prepare('SELECT COUNT(*) FROM points').pluck().get() as number;
    const expected =
      lanes.length * (options.warmupPerLane + exportsPerLane) * pointsPerExport(lanes[0]!);
    checks.check(count === expected, `ingest: raw table holds ${expected} rows (found ${count})`);
    return { rows, insertMs, parseMs };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
