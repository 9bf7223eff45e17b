// The `runway` CLI driven the way a CI pipeline drives it: a real server started with
// `runway serve` as a child process, and every command run as its own `node bin/runway.mjs`
// process, asserting exit codes, human output and --json output.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../server/src/cli/main';
import { ManualClock } from '../server/src/clock';
import { makeSpec, startTestServer } from './support/harness';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'runway.mjs');
const FIXTURES = join(REPO, 'test', 'fixtures', 'cli');
const fixture = (name: string): string => join(FIXTURES, name);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let url: string;
let adminToken: string;
let server: ChildProcess;
let serverStdout = '';
let serverStderr = '';
let serverExit: Promise<number | null>;

/** This environment without any RUNWAY_* or SLACK_* setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RUNWAY_') && !name.startsWith('SLACK_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs `runway ARGS` as CI would: its own process, the server chosen by RUNWAY_URL / RUNWAY_DB. */
function runway(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const fullEnv = cleanEnv({ RUNWAY_URL: url, RUNWAY_DB: join(dir, 'runway.db'), ...env });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: fullEnv, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** Reads an experiment straight from the API (plain fetch), to wait for the scheduler. */
async function experiment(key: string): Promise<{ state: string; version: number }> {
  const response = await fetch(
    `${url}/trpc/experiments.get?input=${encodeURIComponent(JSON.stringify({ key }))}`,
    {
      headers: { authorization: `Bearer ${adminToken}` },
    },
  );
  const body = (await response.json()) as { result: { data: { state: string; version: number } } };
  return body.result.data;
}

/** Waits (on the API, with a deadline) until the scheduler has moved `key` to `state`. */
async function waitForState(key: string, state: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await experiment(key);
    if (current.state === state) return;
    if (Date.now() > deadline)
      throw new Error(`${key} is ${current.state}, still not ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `runway serve printed no URL within ${timeoutMs} ms:\n${serverStdout}\n${serverStderr}`,
          ),
        ),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: string) => {
      serverStdout += chunk;
      const match = /Runway listening on (http:\/\/\S+)/.exec(serverStdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runway serve exited early (${code}):\n${serverStdout}\n${serverStderr}`));
    });
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runway-cli-'));
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', join(dir, 'runway.db')], {
    cwd: dir,
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.setEncoding('utf8');
  server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (serverStderr += chunk));
  serverExit = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  url = await waitForListening(server, 20_000);
  adminToken = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
});

afterAll(async () => {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await serverExit;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('runway CLI against a server child process', () => {
  it('serve prints where the admin token is and how to use it', () => {
    expect(serverStdout).toContain(`admin token  ${join(dir, 'admin.token')}`);
    expect(serverStdout).toContain(adminToken);
    // The console link signs a browser in: the token rides in the fragment, never to the server.
    expect(serverStdout).toContain(`console      ${url}/#token=${adminToken}`);
    expect(serverStdout).toContain('npx runway list');
  });

  it('validates specs offline and against the server, naming every problem by file and path', async () => {
    const [good, bad] = await Promise.all([
      runway(['validate', fixture('pipeline.yaml')]),
      runway(['validate', fixture('bad.yaml')]),
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ok: 2 specs in 1 file, no problems');
    expect(good.stdout).toContain(`checked against the server at ${url}`);

    expect(bad.code).toBe(1);
    const badFile = fixture('bad.yaml');
    expect(bad.stdout).toContain(
      `${badFile}: stages[1].percent: must be greater than stages[0].percent (50)`,
    );
    expect(bad.stdout).toContain(`${badFile}: stages[1].hold: is not a duration`);
    expect(bad.stdout).toContain(
      `${badFile}: requires[0]: unknown experiment "no-such-experiment"`,
    );
  });

  it('enqueues both documents of a YAML file; a retry with the same idempotency key returns the same result', async () => {
    const first = await runway([
      'enqueue',
      fixture('pipeline.yaml'),
      '--idempotency-key',
      'ci-42',
      '--json',
    ]);
    expect(first.code).toBe(0);
    const result = json<{
      replayed: boolean;
      experiments: Array<{ key: string; state: string; version: number }>;
      current: Array<{ key: string; state: string; blockedReasons: Array<{ message: string }> }>;
    }>(first);
    expect(result.replayed).toBe(false);
    expect(result.experiments.map(({ key, state, version }) => ({ key, state, version }))).toEqual([
      { key: 'api-v3', state: 'queued', version: 1 },
      { key: 'checkout-v2', state: 'queued', version: 1 },
    ]);
    // The server's scheduler may already have started api-v3 by the time the CLI reads it back.
    expect(result.current[1]!.key).toBe('checkout-v2');
    expect(result.current[1]!.blockedReasons.map((reason) => reason.message)).toEqual([
      expect.stringMatching(/^requires api-v3 \((queued|running, stage 1\/1)\)$/),
    ]);

    const [again, duplicate, risky] = await Promise.all([
      runway(['enqueue', fixture('pipeline.yaml'), '--idempotency-key', 'ci-42', '--json']),
      runway(['enqueue', fixture('pipeline.yaml')]),
      runway(['enqueue', fixture('risky.json')]),
    ]);
    expect(again.code).toBe(0);
    const replay = json<typeof result>(again);
    expect(replay.replayed).toBe(true);
    expect(replay.experiments).toEqual(result.experiments);

    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain(
      `${fixture('pipeline.yaml')}: [0].key: an experiment "api-v3" already exists`,
    );

    expect(risky.code).toBe(0);
    expect(risky.stdout).toMatch(/search-rank\s+pending_approval\s+1/);
    expect(risky.stdout).toContain('blocked: awaiting approval');
  });

  it('resolves references to experiments already on the server, and says when it could only check offline', async () => {
    const deadUrl = `http://127.0.0.1:${await closedPort()}`;
    const [online, offline] = await Promise.all([
      runway(['validate', fixture('cart-badge.yaml')]),
      runway(['validate', fixture('cart-badge.yaml')], { RUNWAY_URL: deadUrl }),
    ]);
    expect(online.code).toBe(0);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain(
      `${fixture('cart-badge.yaml')}: after[0]: unknown experiment "api-v3"`,
    );
    expect(offline.stdout).toContain(`checked offline only: cannot reach the server at ${deadUrl}`);
  });

  it('lists the queue with blocked reasons under each experiment, and shows one experiment', async () => {
    await waitForState('api-v3', 'running');
    const [list, running, showQueued, showRunning] = await Promise.all([
      runway(['list']),
      runway(['list', '--state', 'running', '--json']),
      runway(['show', 'checkout-v2']),
      runway(['show', 'api-v3']),
    ]);
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(/^KEY\s+STATE\s+STAGE\s+EXPOSURE/);
    const row = lines.findIndex((line) => line.startsWith('checkout-v2 '));
    expect(lines[row]).toMatch(/^checkout-v2\s+queued\s+-\s+0%/);
    expect(lines[row + 1]).toBe('    blocked: requires api-v3 (running, stage 1/1)');
    expect(lines.find((line) => line.startsWith('search-rank '))).toMatch(/pending_approval/);

    expect(
      json<{ experiments: Array<{ key: string }> }>(running).experiments.map((entry) => entry.key),
    ).toEqual(['api-v3']);

    expect(showQueued.code).toBe(0);
    expect(showQueued.stdout).toMatch(/requires\s+api-v3/);
    expect(showQueued.stdout).toContain(
      'Blocked (why it has not started)\n  - requires api-v3 (running, stage 1/1)',
    );
    expect(showQueued.stdout).toMatch(/2\s+50%\s+1h\s+required/);
    expect(showRunning.stdout).toMatch(/>\s+1\s+100%\s+1h/);
    expect(showRunning.stdout).toMatch(/dependents\s+checkout-v2/);
    expect(showRunning.stdout).toMatch(/start\s+queued -> running\s+100%\s+runway:scheduler/);
  });

  it('pauses and resumes, and refuses a pause without a reason as bad usage', async () => {
    const noReason = await runway(['pause', 'api-v3']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("required option '--reason <text>'");

    const pause = await runway(['pause', 'api-v3', '--reason', 'checking dashboards']);
    expect(pause.code).toBe(0);
    expect(pause.stdout).toContain('paused api-v3: running -> paused');
    const resume = await runway(['resume', 'api-v3', '--json']);
    expect(resume.code).toBe(0);
    expect(json(resume)).toMatchObject({
      action: 'resume',
      changed: [{ key: 'api-v3', fromState: 'paused', toState: 'running' }],
    });
  });

  it('advances to completion by hand, after which the dependent starts', async () => {
    const advance = await runway(['advance', 'api-v3', '--reason', 'verified early']);
    expect(advance.code).toBe(0);
    expect(advance.stdout).toContain('completed api-v3: running -> completed');
    await waitForState('checkout-v2', 'running');
  });

  it('freezes a service; approval needs someone other than the author; plan shows the start after the freeze', async () => {
    const freeze = await runway([
      'freeze',
      '--service',
      'search',
      '--until',
      '2h',
      '--reason',
      'search incident',
    ]);
    expect(freeze.code).toBe(0);
    expect(freeze.stdout).toMatch(
      /^froze search until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in 2h\): search incident/,
    );

    const [created, selfApproval] = await Promise.all([
      runway(['token', 'create', '--name', 'bob', '--role', 'release-manager', '--json']),
      runway(['approve', 'search-rank', '--reason', 'looks fine', '--json']),
    ]);
    expect(selfApproval.code).toBe(1);
    expect(json(selfApproval)).toMatchObject({ error: { code: 'SELF_APPROVAL' } });
    expect(created.code).toBe(0);
    const bob = json<{ token: string; user: string; role: string }>(created);
    expect(bob).toMatchObject({ user: 'bob', role: 'release-manager' });

    const [approve, whoami] = await Promise.all([
      runway(['approve', 'search-rank', '--reason', 'reviewed the ranking eval'], {
        RUNWAY_TOKEN: bob.token,
      }),
      runway(['whoami', '--json'], { RUNWAY_TOKEN: bob.token }),
    ]);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('approved search-rank: pending_approval -> queued');
    expect(json(whoami)).toMatchObject({
      name: 'bob',
      role: 'release-manager',
      tokenFrom: 'RUNWAY_TOKEN',
    });

    const [show, plan, planText] = await Promise.all([
      runway(['show', 'search-rank']),
      runway(['plan', '--json']),
      runway(['plan']),
    ]);
    // The reason names the freeze's end as the freeze printed it, with the date only when the
    // end falls on another UTC day than now (so the test holds when run near midnight).
    const [, endDay, endTime] = /until (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC/.exec(freeze.stdout)!;
    const today = new Date().toISOString().slice(0, 10);
    const until = endDay === today ? endTime : `${endDay} ${endTime}`;
    expect(show.stdout).toContain(`- freeze window on search until ${until} UTC (search incident)`);
    expect(show.stdout).toMatch(/bob approved the experiment: reviewed the ranking eval/);
    const forecast = json<{
      generatedAtMs: number;
      entries: Array<{
        key: string;
        state: string;
        expectedStartMs: number | null;
        expectedCompleteMs: number | null;
      }>;
    }>(plan);
    const search = forecast.entries.find((entry) => entry.key === 'search-rank')!;
    expect(search.state).toBe('queued');
    expect(search.expectedStartMs! - forecast.generatedAtMs).toBeGreaterThan(
      2 * 3_600_000 - 60_000,
    );
    expect(search.expectedStartMs! - forecast.generatedAtMs).toBeLessThanOrEqual(2 * 3_600_000);
    expect(
      forecast.entries.find((entry) => entry.key === 'checkout-v2')!.expectedCompleteMs,
    ).not.toBeNull();
    expect(planText.stdout).toMatch(/^KEY\s+STATE\s+EXPECTED START\s+EXPECTED COMPLETION$/m);
    expect(planText.stdout).toContain('assumes: stage approvals granted when due');

    const unfreeze = await runway(['unfreeze', '--service', 'search']);
    expect(unfreeze.code).toBe(0);
    expect(unfreeze.stdout).toContain('lifted 1 freeze for search');
    await waitForState('search-rank', 'running');
  });

  it('rolls back with its cascade, dependents first, and the audit log names the cause and verifies', async () => {
    const rollback = await runway(['rollback', 'api-v3', '--reason', 'payment errors up 3x']);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(
      'Rolling back api-v3 first rolls back 1 live experiment that depends on it',
    );
    expect(rollback.stdout).toContain('rolled back 2 experiments (cascade from api-v3):');
    const done = rollback.stdout.slice(rollback.stdout.indexOf('rolled back 2'));
    expect(done).toMatch(
      /checkout-v2\s+running\s+rolled_back[\s\S]*api-v3\s+completed\s+rolled_back/,
    );

    const [audit, verify] = await Promise.all([
      runway(['audit', '--experiment', 'checkout-v2', '--json']),
      runway(['audit', '--verify']),
    ]);
    const entries = json<{
      entries: Array<{ action: string; cause: string | null; reason: string | null }>;
    }>(audit).entries;
    expect(entries.at(-1)).toMatchObject({
      action: 'experiment.rollback',
      cause: 'api-v3',
      reason: 'cascade from api-v3: payment errors up 3x',
    });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^audit chain valid: \d+ rows$/m);
  });

  it('exits 2 on bad usage, also in --json mode', async () => {
    const results = await Promise.all([
      runway(['lst']),
      runway(['show']),
      runway(['audit', '--limit', 'lots']),
      runway(['freeze', '--until', 'whenever', '--reason', 'x']),
      runway(['list', '--state', 'runing', '--json']),
    ]);
    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]!.stderr).toContain("unknown command 'lst'");
    expect(results[0]!.stderr).toContain('Did you mean list?');
    expect(results[1]!.stderr).toContain("missing required argument 'key'");
    expect(json(results[4]!)).toMatchObject({
      error: { code: 'USAGE', message: expect.stringContaining('unknown state "runing"') },
    });
  });

  it('exits 1 with a clear message for an unknown experiment, a server that is down, or no token', async () => {
    const deadUrl = `http://127.0.0.1:${await closedPort()}`;
    const [unknown, unknownJson, down, noToken] = await Promise.all([
      runway(['show', 'no-such-thing']),
      runway(['pause', 'no-such-thing', '--reason', 'x', '--json']),
      runway(['list'], { RUNWAY_URL: deadUrl }),
      runway(['list'], { RUNWAY_DB: join(dir, 'elsewhere', 'runway.db') }),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: no experiment "no-such-thing"');
    expect(unknownJson.code).toBe(1);
    expect(json(unknownJson)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'no experiment "no-such-thing"',
        issues: [],
        details: { key: 'no-such-thing' },
      },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      `cannot reach the Runway server at ${deadUrl} (connection refused)`,
    );
    expect(down.stderr).toContain('npm start');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('no API token');
    expect(noToken.stderr).toContain('runway token create');
  });

  it('has help for the program and for each command', async () => {
    const [help, enqueueHelp] = await Promise.all([
      runway(['--help']),
      runway(['help', 'enqueue']),
    ]);
    expect(help.code).toBe(0);
    for (const command of [
      'validate',
      'enqueue',
      'list',
      'show',
      'rollback',
      'plan',
      'freeze',
      'audit',
      'token',
      'serve',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(enqueueHelp.code).toBe(0);
    expect(enqueueHelp.stdout).toContain('--idempotency-key <key>');
    expect(enqueueHelp.stdout).toContain('--json');
  });

  it('serve stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    expect(await serverExit).toBe(0);
    expect(serverStdout).toContain('runway: stopped');
  });
});

describe('runway rollback on a terminal', () => {
  it('asks before a cascade takes down other experiments, and changes nothing when declined', async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
    const testServer = await startTestServer({ clock });
    try {
      const alice = testServer.client(testServer.tokens.alice);
      const bob = testServer.client(testServer.tokens.bob);
      await alice.experiments.enqueue.mutate({
        specs: [
          makeSpec('core-api', { stages: [{ percent: 100, hold: '1h' }] }),
          makeSpec('web-ui', { requires: ['core-api'] }),
        ],
      });
      await bob.scheduler.tick.mutate();
      const core = await bob.experiments.get.query({ key: 'core-api' });
      await bob.experiments.advance.mutate({ key: 'core-api', expectedVersion: core.version });
      await bob.scheduler.tick.mutate();

      const questions: string[] = [];
      let stdout = '';
      let stderr = '';
      const terminal = (answer: boolean) => ({
        stdout: (text: string) => void (stdout += text),
        stderr: (text: string) => void (stderr += text),
        env: { RUNWAY_URL: testServer.url, RUNWAY_TOKEN: testServer.tokens.alice },
        stdinIsTty: true,
        confirm: async (question: string) => {
          questions.push(question);
          return answer;
        },
      });

      expect(await main(['rollback', 'core-api', '--reason', 'bad release'], terminal(false))).toBe(
        1,
      );
      expect(questions).toEqual(['Roll back 2 experiments?']);
      expect(stdout).toMatch(/web-ui\s+running\s+core-api/);
      expect(stderr).toContain('rollback cancelled; nothing changed');
      expect(await alice.experiments.get.query({ key: 'web-ui' })).toMatchObject({
        state: 'running',
      });

      expect(await main(['rollback', 'core-api', '--reason', 'bad release'], terminal(true))).toBe(
        0,
      );
      expect(await main(['rollback', 'web-ui', '--reason', 'again', '--yes'], terminal(true))).toBe(
        1,
      );
      expect(questions).toHaveLength(2);
      expect(stdout).toContain('rolled back 2 experiments (cascade from core-api)');
      expect(stderr).toContain('cannot rollback web-ui: it is rolled_back');
    } finally {
      await testServer.stop();
    }
  });
});
