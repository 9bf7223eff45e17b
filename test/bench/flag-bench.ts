import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../server/src/actor';
import { loadServerConfig } from '../../server/src/config/config';
import { FlagStore } from '../../server/src/flags/flag-store';
import { startServer } from '../../server/src/serve';
import type { FlagClientJob, FlagClientResult } from './flag-client';
import { progress, summarize, type Checks, type Row } from './stats';

export interface FlagBenchOptions {
  /** Measured OFREP single-flag evaluations (and as many GET /healthz for the baseline). */
  evaluations: number;
  /** Pause/resume toggles, and separately rollbacks, whose propagation is timed. */
  changes: number;
}

const BENCH_ADMIN: Actor = { userId: null, name: 'bench-setup', role: 'admin' };
/** Concurrent keep-alive clients of the throughput phase. */
const CONCURRENCY = 8;
const TOGGLE_KEY = 'flag-bench-toggle';
const EVAL_KEY = 'flag-bench-eval';

function spec(key: string, percent: number): Record<string, unknown> {
  return {
    key,
    title: key,
    owner: 'bench@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `${key}-layer`,
    risk: 'low',
    stages: [{ percent, hold: '1h' }],
  };
}

/** Runs flag-client.ts as its own process and returns what it measured. */
function runClientProcess(dir: string, job: FlagClientJob): Promise<FlagClientResult> {
  const jobPath = join(dir, 'flag-client-job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  const script = fileURLToPath(new URL('./flag-client.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, jobPath],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stderr) process.stderr.write(stderr);
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as FlagClientResult);
      },
    );
  });
}

/** ms samples, leaving out the ones that never arrived (the checks count those). */
function present(samples: ReadonlyArray<number | null>): number[] {
  return samples.filter((sample): sample is number => sample !== null);
}

/**
 * Flag propagation and OFREP throughput against the real server (scheduler loop on, as served),
 * measured from a client process: (a) a committed pause/resume to an SSE subscriber of
 * flags.changes; (b) a committed rollback to that subscriber and to two OFREP clients polling
 * back to back (single flag; bulk with If-None-Match) until they see control; (c) OFREP
 * single-flag evaluations per second from keep-alive clients, against GET /healthz.
 */
export async function runFlagBench(options: FlagBenchOptions, checks: Checks): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-flags-'));
  try {
    const config = loadServerConfig({}, { port: 0, dbPath: join(dir, 'runway.db') });
    const server = await startServer(config, { log: () => {} });
    let result: FlagClientResult;
    let job: FlagClientJob;
    try {
      const { runway } = server;
      const token = runway.auth.createToken(
        { name: 'bench-operator', role: 'operator' },
        BENCH_ADMIN,
      ).token;
      const operator = runway.auth.authenticate(token)!;
      runway.experiments.enqueue({ specs: [spec(TOGGLE_KEY, 10), spec(EVAL_KEY, 50)] }, operator);
      runway.scheduler.tick();
      const evalFlag = new FlagStore(runway.db).flag(EVAL_KEY)!;
      checks.check(
        evalFlag.state === 'running' && runway.experimentStore.get(TOGGLE_KEY)?.state === 'running',
        'the flag bench experiments are running before the clients start',
      );
      job = {
        serverUrl: server.url,
        token,
        changes: options.changes,
        evaluations: options.evaluations,
        concurrency: CONCURRENCY,
        toggleKey: TOGGLE_KEY,
        evalFlag: { key: EVAL_KEY, layer: evalFlag.layer, allocation: evalFlag.allocation },
        rollbackPrefix: 'flag-bench-rollback-',
      };
      progress(
        `flags: ${options.changes} pause/resume toggles and ${options.changes} rollbacks timed to an SSE subscriber and OFREP pollers, then ${options.evaluations.toLocaleString('en-US')} OFREP evaluations from ${CONCURRENCY} keep-alive clients, from a client process…`,
      );
      result = await runClientProcess(dir, job);
      const rolledBack = runway.experimentStore.countByState().rolled_back ?? 0;
      checks.check(
        rolledBack === options.changes,
        `every flag bench rollback committed (${rolledBack}/${options.changes})`,
      );
    } finally {
      await server.close();
    }
    return rowsOf(result, job, checks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rowsOf(result: FlagClientResult, job: FlagClientJob, checks: Checks): Row[] {
  const { toggles, rollbacks, throughput } = result;
  checks.check(
    toggles.length === job.changes,
    `every pause/resume reached the SSE subscriber (${toggles.length}/${job.changes})`,
  );
  const missing = (pick: (r: FlagClientResult['rollbacks'][number]) => number | null): number =>
    job.changes - present(rollbacks.map(pick)).length;
  checks.check(
    missing((r) => r.sseMs) === 0,
    `every rollback reached the SSE subscriber (${missing((r) => r.sseMs)} missed)`,
  );
  checks.check(
    missing((r) => r.singleMs) === 0 && missing((r) => r.bulkMs) === 0,
    `both OFREP pollers saw control after every rollback (single missed ${missing((r) => r.singleMs)}, bulk ${missing((r) => r.bulkMs)})`,
  );
  checks.check(
    result.unexpectedEvents === 0,
    `the SSE stream sent one event per flag change, no more, no fewer (${result.unexpectedEvents} off)`,
  );
  const { evaluations, healthz } = throughput;
  checks.check(
    evaluations.wrong === 0 && evaluations.statuses['200'] === evaluations.count,
    `every OFREP evaluation answered 200 with the unit's bucketed value (${evaluations.wrong} wrong; ${JSON.stringify(evaluations.statuses)})`,
  );
  checks.check(
    healthz.statuses['200'] === healthz.count,
    `every GET /healthz answered 200 (${JSON.stringify(healthz.statuses)})`,
  );

  const toggleIssue = summarize(toggles.map((t) => t.sinceIssueMs));
  const toggleResponse = summarize(toggles.map((t) => t.sinceResponseMs));
  const toggleMutation = summarize(toggles.map((t) => t.mutationMs));
  const rollbackSse = summarize(present(rollbacks.map((r) => r.sseMs)));
  const single = summarize(present(rollbacks.map((r) => r.singleMs)));
  const bulk = summarize(present(rollbacks.map((r) => r.bulkMs)));
  const rollbackMutation = summarize(rollbacks.map((r) => r.mutationMs));
  const evalsPerSecond = (evaluations.count / evaluations.ms) * 1000;
  const healthzPerSecond = (healthz.count / healthz.ms) * 1000;

  const mutationLabel = 'pause/resume mutation round trip';
  const rollbackLabel = 'rollback mutation round trip';
  const sseLabel = 'rollback → SSE subscriber';
  const healthzLabel = `GET /healthz, ${CONCURRENCY} keep-alive clients`;
  const against = (baseline: string, baselineValue: number, value: number): Partial<Row> => ({
    baseline,
    ratio: value / baselineValue,
  });
  const row = (
    benchmark: string,
    value: number | string,
    unit: string,
    extra: Partial<Row> = {},
  ): Row => ({ benchmark, value, unit, ...extra });
  return [
    row(
      'flag change (pause/resume) → SSE subscriber, from issuing: p50',
      toggleIssue.p50,
      'ms',
      against(`${mutationLabel} p50`, toggleMutation.p50, toggleIssue.p50),
    ),
    row(
      'flag change (pause/resume) → SSE subscriber, from issuing: p99',
      toggleIssue.p99,
      'ms',
      against(`${mutationLabel} p99`, toggleMutation.p99, toggleIssue.p99),
    ),
    row('  same, after the mutation response arrived: p50', toggleResponse.p50, 'ms'),
    row('  same, after the mutation response arrived: p99', toggleResponse.p99, 'ms'),
    row(`  ${mutationLabel}: p50`, toggleMutation.p50, 'ms'),
    row(`${sseLabel}, from issuing: p50`, rollbackSse.p50, 'ms'),
    row(`${sseLabel}, from issuing: p99`, rollbackSse.p99, 'ms'),
    row(
      'rollback → OFREP single-flag poller sees control: p50',
      single.p50,
      'ms',
      against(`${sseLabel} p50`, rollbackSse.p50, single.p50),
    ),
    row(
      'rollback → OFREP single-flag poller sees control: p99',
      single.p99,
      'ms',
      against(`${sseLabel} p99`, rollbackSse.p99, single.p99),
    ),
    row(
      'rollback → OFREP bulk poller (If-None-Match) sees control: p50',
      bulk.p50,
      'ms',
      against(`${sseLabel} p50`, rollbackSse.p50, bulk.p50),
    ),
    row(
      'rollback → OFREP bulk poller (If-None-Match) sees control: p99',
      bulk.p99,
      'ms',
      against(`${sseLabel} p99`, rollbackSse.p99, bulk.p99),
    ),
    row(`  ${rollbackLabel}: p50`, rollbackMutation.p50, 'ms'),
    row(
      'flag changes timed',
      `${toggles.length} toggles, ${rollbacks.length} rollbacks`,
      'changes',
    ),
    row(
      `OFREP single-flag evaluations, ${CONCURRENCY} keep-alive clients`,
      evalsPerSecond,
      'evals/s',
      against(healthzLabel, healthzPerSecond, evalsPerSecond),
    ),
    row(healthzLabel, healthzPerSecond, 'requests/s'),
  ];
}
