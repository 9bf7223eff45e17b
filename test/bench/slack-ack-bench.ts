import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SLACK_ACTION_IDS } from '../../bot/src/slack-actions';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { SlackRequestStore } from '../../server/src/slack/slack-request-store';
import { TEST_SIGNING_SECRET } from '../support/slack-signing';
import type { AckJob, AckResult } from './slack-ack-client';
import { waitForFeed } from './guarded-server';
import { progress, summarize, type Checks, type Row } from './stats';

export interface SlackAckBenchOptions {
  /** Measured `/runway` commands. */
  commands: number;
  /** Commands sent first, untimed (their changes are checked like the others). */
  warmup: number;
  /** Running experiments (status, pause and resume act on them). */
  running: number;
  /** Queued experiments, each blocked by a running one it requires (why asks about them). */
  queued: number;
}

const SLACK_USERS = { alice: 'U0ALICE', vic: 'U0VIC' } as const;
const ANSWER_TIMEOUT_MS = 10_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT = fileURLToPath(new URL('./slack-ack-client.ts', import.meta.url));

type Kind = 'status' | 'why' | 'list' | 'pause' | 'resume';

interface Planned {
  kind: Kind;
  text: string;
  userId: string;
  /** The experiment it names (none for list). */
  key: string | null;
}

const runningKey = (index: number): string => `ack-run-${index + 1}`;
const queuedKey = (index: number): string => `ack-wait-${index + 1}`;

/**
 * The commands, in cycles of five: status of a running experiment and why of a queued one (as
 * vic, a viewer), list, then pause and resume of that running experiment (as alice, an operator).
 * Each pause has its own reason, so the audit log shows whether it acted exactly once.
 */
function plan(total: number, options: SlackAckBenchOptions): Planned[] {
  const commands: Planned[] = [];
  for (let cycle = 0; commands.length < total; cycle++) {
    const key = runningKey(cycle % options.running);
    const waiting = queuedKey(cycle % options.queued);
    commands.push(
      { kind: 'status', text: `status ${key}`, userId: SLACK_USERS.vic, key },
      { kind: 'why', text: `why ${waiting}`, userId: SLACK_USERS.vic, key: waiting },
      { kind: 'list', text: 'list', userId: SLACK_USERS.vic, key: null },
      {
        kind: 'pause',
        text: `pause ${key} bench pause #${cycle + 1}: errors up`,
        userId: SLACK_USERS.alice,
        key,
      },
      { kind: 'resume', text: `resume ${key}`, userId: SLACK_USERS.alice, key },
    );
  }
  return commands.slice(0, total);
}

/** The answer each command should get at its response_url. */
function expectedAnswer(
  command: Planned,
  openExperiments: number,
): (answer: { responseType: unknown; text: unknown; actionIds: string[] }) => boolean {
  const text = (answer: { text: unknown }): string => String(answer.text ?? '');
  switch (command.kind) {
    case 'status':
      return (answer) =>
        answer.responseType === 'ephemeral' &&
        text(answer).startsWith(`${command.key}: running, stage 1/2`) &&
        answer.actionIds.includes(SLACK_ACTION_IDS.pause);
    case 'why':
      return (answer) =>
        answer.responseType === 'ephemeral' &&
        text(answer).startsWith(`${command.key}: `) &&
        text(answer).includes('ack-run-');
    case 'list':
      return (answer) =>
        answer.responseType === 'ephemeral' &&
        text(answer) === `${openExperiments} open experiments`;
    case 'pause':
      return (answer) =>
        answer.responseType === 'in_channel' && text(answer) === `alice paused ${command.key}`;
    case 'resume':
      return (answer) =>
        answer.responseType === 'in_channel' && text(answer) === `alice resumed ${command.key}`;
  }
}

type FromClient =
  | { type: 'ready'; apiUrl: string; responseUrlBase: string }
  | { type: 'done'; result: AckResult }
  | { type: 'failed'; error: string };

function nextMessage<T extends FromClient['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromClient, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromClient): void => {
      if (message.type === 'failed') {
        cleanup();
        reject(new Error(`slack-ack client failed: ${message.error}`));
      } else if (message.type === type) {
        cleanup();
        resolve(message as Extract<FromClient, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`slack-ack client exited (${code}) before sending ${type}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * `/runway` slash-command acknowledgement latency on loopback: the real server as served (scheduler,
 * guardrail and Slack delivery loops on) with its Slack bot on, Slack users linked to Runway
 * users, and a "Slack" client process (slack-ack-client.ts) that sends signed commands one after
 * another and hosts the Slack stub their answers are posted to. Baseline in the same run: a
 * GET /healthz round trip from the same client just before each command.
 */
export async function runSlackAckBench(
  options: SlackAckBenchOptions,
  checks: Checks,
): Promise<Row[]> {
  const child = fork(CLIENT, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let server: TestServer | null = null;
  let result: AckResult;
  const dedupeWrite: number[] = [];
  const firstSeen = SlackRequestStore.prototype.firstSeen;
  // Inside the server: from the request event (headers parsed) to response.end() (the answer
  // handed to the socket), for the commands and the /healthz requests (in order, warm-up first).
  const inServer = { slack: [] as number[], healthz: [] as number[] };
  const commands = plan(options.warmup + options.commands, options);
  const openExperiments = options.running + options.queued;
  try {
    const ready = await nextMessage(child, 'ready');
    server = await startTestServer({
      schedulerLoop: true,
      env: {
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: ready.apiUrl,
      },
    });
    const { runway } = server;
    const admin = server.client(server.tokens.admin);
    await admin.auth.linkUser.mutate({ name: 'alice', slackUserId: SLACK_USERS.alice });
    await admin.auth.linkUser.mutate({ name: 'vic', slackUserId: SLACK_USERS.vic });

    const stages = [
      { percent: 10, hold: '1d' },
      { percent: 100, hold: '1d' },
    ];
    const running = Array.from({ length: options.running }, (_, i) => runningKey(i));
    const queued = Array.from({ length: options.queued }, (_, i) => queuedKey(i));
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [
        ...running.map((key) => makeSpec(key, { stages })),
        ...queued.map((key, i) =>
          makeSpec(key, { stages, requires: [runningKey(i % options.running)] }),
        ),
      ],
    });
    const state = (key: string): string | undefined => runway.experimentStore.get(key)?.state;
    await waitForFeed(
      runway.feed,
      () => running.every((key) => state(key) === 'running'),
      30_000,
      `${options.running} experiments to start`,
    );
    checks.check(
      queued.every((key) => state(key) === 'queued'),
      `slack ack: the ${options.queued} experiments that require a running one stay queued`,
    );

    progress(
      `slack ack: ${options.running} running + ${options.queued} queued experiments; ${options.warmup} warm-up + ${options.commands} measured /runway commands (status, why, list, pause, resume) from a client process, each after a GET /healthz…`,
    );
    const job: AckJob = {
      serverUrl: server.url,
      commands: commands.map(({ text, userId }) => ({ text, userId })),
      answerTimeoutMs: ANSWER_TIMEOUT_MS,
    };
    // What the ack waits for besides HTTP and Bolt: the retry-dedupe record of the request's body
    // hash, a durable insert (synchronous = FULL) made before any listener runs. Each one the
    // server makes is timed where it runs (the method is restored afterwards).
    SlackRequestStore.prototype.firstSeen = function timedFirstSeen(requestKey, kind) {
      const started = performance.now();
      try {
        return firstSeen.call(this, requestKey, kind);
      } finally {
        dedupeWrite.push(performance.now() - started);
      }
    };
    server.server.prependListener('request', (request, response) => {
      const started = performance.now();
      const path = (request.url ?? '').split('?')[0];
      const into =
        path === '/slack/events' ? inServer.slack : path === '/healthz' ? inServer.healthz : null;
      if (!into) return;
      // end() hands the answer to the socket. 'finish' comes only after the event loop turns,
      // so it would also count whatever the command's listener does right after ack().
      const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
      response.end = ((...args: unknown[]) => {
        into.push(performance.now() - started);
        return end(...args);
      }) as typeof response.end;
    });
    child.send({ type: 'run', job });
    result = (await nextMessage(child, 'done')).result;
    checks.check(
      result.samples.length === commands.length,
      `slack ack: the client sent every command (${result.samples.length}/${commands.length})`,
    );

    // Correctness: every command acknowledged with an empty 200 and answered once, as expected.
    const answersByPath = new Map<string, AckResult['answers']>();
    for (const answer of result.answers)
      answersByPath.set(answer.path, [...(answersByPath.get(answer.path) ?? []), answer]);
    const badAcks = result.samples.filter(
      (sample) => sample.status !== 200 || sample.ackBody !== '',
    );
    checks.check(
      badAcks.length === 0,
      `slack ack: every command acknowledged with an empty 200 (${badAcks.length} not: ${badAcks
        .slice(0, 3)
        .map((sample) => `${sample.status} "${sample.ackBody.slice(0, 80)}"`)
        .join('; ')})`,
    );
    const unanswered: string[] = [];
    const repeated: string[] = [];
    const wrong: string[] = [];
    commands.forEach((command, index) => {
      const answers = answersByPath.get(`/respond/${index + 1}`) ?? [];
      if (answers.length === 0) unanswered.push(command.text);
      else if (answers.length > 1) repeated.push(command.text);
      else if (!expectedAnswer(command, openExperiments)(answers[0]!))
        wrong.push(
          `${command.text} → ${String(answers[0]!.responseType)}: ${String(answers[0]!.text)}`,
        );
    });
    checks.check(
      unanswered.length === 0,
      `slack ack: every command's answer reached its response_url (${unanswered.length} did not${unanswered.length ? `: ${unanswered.slice(0, 3).join('; ')}` : ''})`,
    );
    checks.check(
      repeated.length === 0,
      `slack ack: no command answered twice (${repeated.length} were)`,
    );
    checks.check(
      wrong.length === 0,
      `slack ack: every answer is the one its command asks for (${wrong.length} not${wrong.length ? `: ${wrong.slice(0, 3).join(' | ')}` : ''})`,
    );
    checks.check(
      result.answers.length === commands.length,
      `slack ack: exactly one response_url POST per command (${result.answers.length} for ${commands.length})`,
    );
    const healthzOk = result.healthzStatuses['200'] ?? 0;
    checks.check(
      healthzOk === commands.length,
      `slack ack: every GET /healthz answered 200 (${healthzOk}/${commands.length})`,
    );

    // Each pause and resume acted exactly once, as alice (the audit log and the experiments).
    const pauses = commands.filter((command) => command.kind === 'pause');
    const resumes = commands.filter((command) => command.kind === 'resume');
    const pauseRows = runway.db
      .prepare(
        `SELECT reason, experiment_key AS key, actor, COUNT(*) AS n FROM audit_log
         WHERE action = 'experiment.pause' GROUP BY reason, experiment_key, actor`,
      )
      .all() as Array<{ reason: string; key: string; actor: string; n: number }>;
    const pausedOnce = pauses.every((command) => {
      const reason = command.text.slice(`pause ${command.key} `.length);
      const rows = pauseRows.filter((row) => row.reason === reason);
      return (
        rows.length === 1 &&
        rows[0]!.n === 1 &&
        rows[0]!.key === command.key &&
        rows[0]!.actor === 'alice'
      );
    });
    checks.check(
      pausedOnce && pauseRows.reduce((sum, row) => sum + row.n, 0) === pauses.length,
      `slack ack: each of the ${pauses.length} pauses acted once, as alice, with its reason (audit: ${pauseRows.reduce((sum, row) => sum + row.n, 0)} pauses)`,
    );
    const resumeRows = runway.db
      .prepare(
        `SELECT experiment_key AS key, COUNT(*) AS n FROM audit_log
         WHERE action = 'experiment.resume' AND actor = 'alice' GROUP BY experiment_key`,
      )
      .all() as Array<{ key: string; n: number }>;
    const resumedOnce = running.every(
      (key) =>
        (resumeRows.find((row) => row.key === key)?.n ?? 0) ===
        resumes.filter((command) => command.key === key).length,
    );
    const allResumes = runway.db
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'experiment.resume'")
      .pluck()
      .get() as number;
    checks.check(
      resumedOnce && allResumes === resumes.length,
      `slack ack: each of the ${resumes.length} resumes acted once, as alice (audit: ${allResumes} resumes)`,
    );
    const expectedFinal = (key: string): string => {
      const last = [...commands]
        .reverse()
        .find((c) => c.key === key && (c.kind === 'pause' || c.kind === 'resume'));
      return last?.kind === 'pause' ? 'paused' : 'running';
    };
    const offState = running.filter((key) => state(key) !== expectedFinal(key));
    checks.check(
      offState.length === 0,
      `slack ack: every experiment ends in the state its last pause or resume left it (${offState.length} not: ${offState.slice(0, 3).join(', ')})`,
    );
  } finally {
    SlackRequestStore.prototype.firstSeen = firstSeen;
    await server?.stop();
    if (child.connected) child.send({ type: 'close' });
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
      setTimeout(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      }, 5_000).unref();
    });
  }

  const samples = result.samples.slice(options.warmup);
  const ack = summarize(samples.map((sample) => sample.ackMs));
  const answer = summarize(
    samples.flatMap((sample) => (sample.answerMs === null ? [] : [sample.answerMs])),
  );
  const healthz = summarize(samples.map((sample) => sample.healthzMs));
  const against = (which: 'p50' | 'p99', value: number): Partial<Row> => ({
    baseline: `GET /healthz round trip ${which} (same client)`,
    ratio: value / healthz[which],
  });
  const label = `slack /runway ack on loopback, ${options.commands} commands`;
  const answerLabel = `slack /runway: command sent → answer at response_url`;
  const byKind = (kind: Kind): number =>
    summarize(
      samples.flatMap((sample) => {
        const answerMs = sample.answerMs;
        return commands[sample.index]!.kind === kind && answerMs !== null ? [answerMs] : [];
      }),
    ).p50;
  const otherApiCalls = Object.entries(result.apiCalls)
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
  if (otherApiCalls)
    progress(`slack ack: Web API calls the server made meanwhile: ${otherApiCalls}`);
  return [
    { benchmark: `${label}: p50`, value: ack.p50, unit: 'ms', ...against('p50', ack.p50) },
    {
      benchmark: `${label}: p99`,
      value: ack.p99,
      unit: 'ms',
      ...against('p99', ack.p99),
      target: '< 100 ms (Slack: 3 s)',
    },
    { benchmark: `${label}: max`, value: ack.max, unit: 'ms' },
    {
      benchmark: '  part: inside the server, request → ack written: p50',
      value: summarize(inServer.slack.slice(options.warmup)).p50,
      unit: 'ms',
    },
    {
      benchmark: '  part: inside the server, request → ack written: p99',
      value: summarize(inServer.slack.slice(options.warmup)).p99,
      unit: 'ms',
    },
    {
      benchmark: '  part: the retry-dedupe record written before the ack (durable insert): p50',
      value: summarize(dedupeWrite.slice(options.warmup)).p50,
      unit: 'ms',
    },
    {
      benchmark: '  part: the retry-dedupe record written before the ack (durable insert): p99',
      value: summarize(dedupeWrite.slice(options.warmup)).p99,
      unit: 'ms',
    },
    {
      benchmark: `${answerLabel}: p50`,
      value: answer.p50,
      unit: 'ms',
      ...against('p50', answer.p50),
    },
    {
      benchmark: `${answerLabel}: p99`,
      value: answer.p99,
      unit: 'ms',
      ...against('p99', answer.p99),
    },
    ...(['status', 'why', 'list', 'pause', 'resume'] as const).map((kind) => ({
      benchmark: `  answer to ${kind === 'list' ? `list (${openExperiments} open)` : kind}: p50`,
      value: byKind(kind),
      unit: 'ms',
    })),
    { benchmark: 'GET /healthz round trip, same client: p50', value: healthz.p50, unit: 'ms' },
    { benchmark: 'GET /healthz round trip, same client: p99', value: healthz.p99, unit: 'ms' },
    {
      benchmark: '  part: inside the server, request → /healthz answer written: p50',
      value: summarize(inServer.healthz.slice(options.warmup)).p50,
      unit: 'ms',
    },
    {
      benchmark: '  commands measured',
      value: `${ack.count} (+${options.warmup} warm-up)`,
      unit: 'commands',
    },
  ];
}
