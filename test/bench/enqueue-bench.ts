import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../server/src/actor';
import { loadServerConfig } from '../../server/src/config/config';
import { startServer } from '../../server/src/serve';
import { edgeCount, generateFleet, type FleetSpec } from './fleet';
import { progress, summarize, type Checks, type Summary } from './stats';

export interface EnqueueBenchOptions {
  queued: number;
  warmup: number;
  requests: number;
  batchSize: number;
  /** In-process enqueues (after the HTTP ones) timed part by part, to show where the time goes. */
  breakdown: number;
  /** Stop measuring HTTP enqueues after this long, even short of `requests` (keeps the run short). */
  budgetMs: number;
}

export interface EnqueueBenchResult {
  seedMs: number;
  seeded: number;
  seedEdges: number;
  queuedAtStart: number;
  states: Record<string, number>;
  /** The parts of one enqueue request, timed in-process with the scheduler loop paused. */
  parts: { service: Summary; tick: Summary };
  enqueue: Summary;
  healthz: Summary;
  floor: Summary;
}

const BENCH_ADMIN: Actor = { userId: null, name: 'bench-setup', role: 'admin' };

interface ClientResult {
  samples: number[];
  healthSamples: number[];
  statuses: Record<string, number>;
  answers: Array<{ key: string; state: string | null }>;
}

/** Runs enqueue-client.ts as its own process (as a CI job is) and returns what it measured. */
function runClientProcess(dir: string, job: Record<string, unknown>): Promise<ClientResult> {
  const jobPath = join(dir, 'client-job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  const script = fileURLToPath(new URL('./enqueue-client.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, jobPath],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stderr) process.stderr.write(stderr);
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as ClientResult);
      },
    );
  });
}

function expectedState(spec: FleetSpec): string {
  return spec.risk === 'high' ? 'pending_approval' : 'queued';
}

/**
 * Single-spec enqueue over HTTP against the real server (scheduler loop on, as served) with
 * `queued` experiments already in the queue, then the same durable single-row insert done
 * directly with better-sqlite3 (the floor on this machine).
 */
export async function runEnqueueBench(
  options: EnqueueBenchOptions,
  checks: Checks,
): Promise<EnqueueBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-enqueue-'));
  try {
    const total = options.queued + options.warmup + options.requests + options.breakdown;
    const fleet = generateFleet({ count: total, edges: 3 * total, seed: 7, prefix: 'enq' });
    const seedSpecs = fleet.slice(0, options.queued);
    const httpSpecs = fleet.slice(
      options.queued,
      options.queued + options.warmup + options.requests,
    );

    const config = loadServerConfig({}, { port: 0, dbPath: join(dir, 'runway.db') });
    const server = await startServer(config, { log: () => {} });
    let result: Omit<EnqueueBenchResult, 'floor'>;
    try {
      const { runway } = server;
      const token = runway.auth.createToken(
        { name: 'bench-operator', role: 'operator' },
        BENCH_ADMIN,
      ).token;
      const actor = runway.auth.authenticate(token)!;
      // Caps as a fleet this size would have them, so the queue stays a queue while it fills.
      runway.policy.setCap({ scope: 'global', name: null, maxActive: 300 }, BENCH_ADMIN);
      runway.policy.setCap({ scope: 'service', name: 'checkout', maxActive: 20 }, BENCH_ADMIN);

      progress(
        `seeding ${options.queued.toLocaleString('en-US')} experiments in batches of ${options.batchSize} (in-process, server already serving)…`,
      );
      const seedStarted = performance.now();
      for (let start = 0; start < seedSpecs.length; start += options.batchSize) {
        runway.experiments.enqueue(
          { specs: seedSpecs.slice(start, start + options.batchSize) },
          actor,
        );
        if ((start / options.batchSize) % 5 === 4)
          progress(`  seeded ${(start + options.batchSize).toLocaleString('en-US')}`);
        // Let the scheduler loop and the event loop breathe between batches, as a served process would.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const seedMs = performance.now() - seedStarted;
      const counts = runway.experimentStore.countByState();
      const seeded = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const seedEdges = runway.db
        .prepare('SELECT COUNT(*) FROM experiment_edges')
        .pluck()
        .get() as number;
      checks.check(
        seeded === options.queued,
        `seeded ${options.queued} experiments (found ${seeded})`,
      );
      checks.check(
        seedEdges === edgeCount(seedSpecs),
        `seeded ${edgeCount(seedSpecs)} edges (found ${seedEdges})`,
      );
      const queuedAtStart = (counts.queued ?? 0) + (counts.pending_approval ?? 0);
      progress(`  seeded in ${(seedMs / 1000).toFixed(1)} s; states ${JSON.stringify(counts)}`);

      progress(
        `GET /healthz round trips, then enqueue over HTTP: ${options.warmup} warm-up + ${options.requests.toLocaleString('en-US')} measured single-spec requests (at most ${options.budgetMs / 1000} s), from a client process…`,
      );
      const client = await runClientProcess(dir, {
        serverUrl: server.url,
        token,
        specs: httpSpecs,
        warmup: options.warmup,
        budgetMs: options.budgetMs,
        healthRequests: options.requests,
      });
      const samples = client.samples;
      const healthSamples = client.healthSamples;
      const sent = client.answers.length;
      const statuses = new Map(
        Object.entries(client.statuses).map(([status, count]) => [Number(status), count]),
      );
      let wrongState = 0;
      client.answers.forEach((answer, index) => {
        const spec = httpSpecs[index]!;
        if (answer.key !== spec.key || answer.state !== expectedState(spec)) wrongState++;
      });
      if (sent < httpSpecs.length)
        progress(`  time budget spent after ${samples.length} measured requests`);

      // The same work, part by part, in-process: what the enqueue procedure does (validate, graph
      // check, insert, audit, commit), and the tick a change triggers — which the server runs in
      // its worker thread, off the request path.
      progress(
        `where an enqueue spends its time: ${options.breakdown} in-process enqueues, scheduler loop paused…`,
      );
      server.loop.stop();
      const parts = {
        service: [] as number[],
        tick: [] as number[],
      };
      const partsWarmup = Math.min(20, Math.floor(options.breakdown / 5));
      // The next specs after the last one sent: they only reference experiments that exist.
      const breakdownSpecs = fleet.slice(
        options.queued + sent,
        options.queued + sent + options.breakdown,
      );
      for (const [index, spec] of breakdownSpecs.entries()) {
        let started = performance.now();
        runway.experiments.enqueue({ specs: [spec] }, actor);
        let now = performance.now();
        if (index >= partsWarmup) parts.service.push(now - started);
        started = now;
        runway.scheduler.tick();
        now = performance.now();
        if (index >= partsWarmup) parts.tick.push(now - started);
      }
      const states = runway.experimentStore.countByState();
      const finalCount = runway.db
        .prepare('SELECT COUNT(*) FROM experiments')
        .pluck()
        .get() as number;
      checks.check(
        statuses.get(200) === sent,
        `all ${sent} enqueue requests answered 200 (${JSON.stringify(Object.fromEntries(statuses))})`,
      );
      checks.check(
        wrongState === 0,
        `every enqueue answered its key in the expected state (${wrongState} did not)`,
      );
      const expected = options.queued + sent + options.breakdown;
      checks.check(
        finalCount === expected,
        `final experiment count is ${expected} (found ${finalCount})`,
      );
      result = {
        seedMs,
        seeded,
        seedEdges,
        queuedAtStart,
        states,
        parts: {
          service: summarize(parts.service),
          tick: summarize(parts.tick),
        },
        enqueue: summarize(samples),
        healthz: summarize(healthSamples),
      };
    } finally {
      await server.close();
    }

    progress(`floor: the same durable single-row insert with better-sqlite3…`);
    const floor = runFloor(join(dir, 'floor.db'), seedSpecs, httpSpecs, options, checks);
    return { ...result, floor };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One experiments-shaped row with its spec JSON per transaction, WAL + synchronous=FULL. */
function runFloor(
  path: string,
  seedSpecs: readonly FleetSpec[],
  specs: readonly FleetSpec[],
  options: EnqueueBenchOptions,
  checks: Checks,
): Summary {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE experiments (
      key TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, spec_json TEXT NOT NULL, title TEXT NOT NULL,
      owner TEXT NOT NULL, team TEXT NOT NULL, service TEXT NOT NULL, layer TEXT NOT NULL,
      priority INTEGER NOT NULL, risk TEXT NOT NULL, state TEXT NOT NULL, stage_index INTEGER NOT NULL DEFAULT -1,
      exposure_percent REAL NOT NULL DEFAULT 0, stage_started_at INTEGER, not_before INTEGER, not_after INTEGER,
      author_user_id INTEGER NOT NULL, created_at INTEGER NOT NULL, state_changed_at INTEGER NOT NULL,
      version INTEGER NOT NULL DEFAULT 1)`);
    db.exec('CREATE INDEX experiments_state ON experiments(state)');
    const insert =
      db.prepare(`INSERT INTO experiments (key, seq, spec_json, title, owner, team, service, layer, priority,
      risk, state, not_before, not_after, author_user_id, created_at, state_changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
    let seq = 0;
    const row = (spec: FleetSpec): unknown[] => {
      const now = Date.now();
      return [
        spec.key,
        ++seq,
        JSON.stringify(spec),
        spec.title,
        spec.owner,
        spec.team,
        spec.service,
        spec.layer,
        spec.priority,
        spec.risk,
        expectedState(spec),
        null,
        null,
        now,
        now,
      ];
    };
    db.transaction(() => {
      for (const spec of seedSpecs) insert.run(...row(spec));
    })();
    const insertOne = db.transaction((spec: FleetSpec) => insert.run(...row(spec)));
    const samples: number[] = [];
    for (const [index, spec] of specs.entries()) {
      const started = performance.now();
      insertOne(spec);
      if (index >= options.warmup) samples.push(performance.now() - started);
    }
    const count = db.prepare('SELECT COUNT(*) FROM experiments').pluck().get() as number;
    checks.check(
      count === seedSpecs.length + specs.length,
      `floor table holds ${seedSpecs.length + specs.length} rows (found ${count})`,
    );
    return summarize(samples);
  } finally {
    db.close();
  }
}
