// Set-up shared by the telemetry benchmarks: the real server as served (scheduler loop, its
// worker thread and the guardrail engine on, synchronous = FULL) on a temporary file, an
// operator's token, and experiments with guardrails started by the scheduler itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../server/src/actor';
import type { Clock } from '../../server/src/clock';
import type { AuditRow } from '../../server/src/audit/audit-chain';
import { loadServerConfig } from '../../server/src/config/config';
import type { ChangeFeed } from '../../server/src/events/change-feed';
import { startServer, type RunningServer } from '../../server/src/serve';

const BENCH_ADMIN: Actor = { userId: null, name: 'bench-setup', role: 'admin' };

export interface GuardedServer {
  running: RunningServer;
  /** An operator's bearer token, as a telemetry sender or a CI job has. */
  token: string;
  actor: Actor;
  dir: string;
  close(): Promise<void>;
}

/**
 * `env` is the server's environment (e.g. the SLACK_* settings: with them the server mounts its
 * Slack bot and runs its own Slack delivery loop, as served).
 */
export async function startGuardedServer(
  prefix: string,
  clock?: Clock,
  env: NodeJS.ProcessEnv = {},
): Promise<GuardedServer> {
  const dir = mkdtempSync(join(tmpdir(), `runway-bench-${prefix}-`));
  try {
    const config = loadServerConfig(env, { port: 0, dbPath: join(dir, 'runway.db') });
    const running = await startServer(config, { log: () => {}, ...(clock ? { clock } : {}) });
    const token = running.runway.auth.createToken(
      { name: 'bench-telemetry', role: 'operator' },
      BENCH_ADMIN,
    ).token;
    return {
      running,
      token,
      actor: running.runway.auth.authenticate(token)!,
      dir,
      close: async () => {
        try {
          await running.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface GuardrailSpec {
  sli: string;
  maxRelative: number;
  window: string;
  action: 'pause' | 'rollback';
}

export function guardedSpec(
  key: string,
  guardrails: readonly GuardrailSpec[],
): Record<string, unknown> {
  return {
    key,
    title: `Benchmark ${key}`,
    owner: 'bench@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    priority: 50,
    risk: 'low',
    stages: [
      { percent: 10, hold: '1d' },
      { percent: 100, hold: '1d' },
    ],
    guardrails,
  };
}

/** Times every guardrail evaluation the server runs (on ingest and on its timer), in ms. */
export function timeEvaluations(running: RunningServer): number[] {
  const durations: number[] = [];
  const { guardrails } = running.runway;
  const evaluate = guardrails.evaluateRunning.bind(guardrails);
  guardrails.evaluateRunning = (nowMs) => {
    const started = performance.now();
    try {
      return evaluate(nowMs);
    } finally {
      durations.push(performance.now() - started);
    }
  };
  return durations;
}

/** Resolves once `done()` holds, checking after every committed change; rejects after a timeout. */
export function waitForFeed(
  feed: ChangeFeed,
  done: (rows: readonly AuditRow[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  if (done([])) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = feed.subscribe((rows) => {
      if (!done(rows)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** Enqueues the specs and waits until the scheduler loop has started every one of them. */
export async function startExperiments(
  guarded: GuardedServer,
  specs: ReadonlyArray<Record<string, unknown>>,
  timeoutMs = 30_000,
): Promise<void> {
  const { runway } = guarded.running;
  const keys = specs.map((spec) => String(spec.key));
  const allRunning = (): boolean =>
    keys.every((key) => runway.experimentStore.get(key)?.state === 'running');
  const started = waitForFeed(runway.feed, allRunning, timeoutMs, `${keys.length} to start`);
  runway.experiments.enqueue({ specs }, guarded.actor);
  await started;
}

/** Waits (briefly polling) until the guardrail engine has judged `key` on data sent at `sinceMs`. */
export async function verdictRecorded(
  guarded: GuardedServer,
  key: string,
  sinceMs: number,
  timeoutMs = 10_000,
): Promise<void> {
  const { runway } = guarded.running;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const statuses = runway.experimentStore.guardrailStatuses(key);
    if (statuses.some((status) => status.evaluatedAt >= sinceMs)) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`no guardrail verdict for ${key} within ${timeoutMs} ms`);
}
