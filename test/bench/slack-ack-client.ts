// "Slack" for the slash-command acknowledgement benchmark, run as its own process (forked with an
// IPC channel by slack-ack-bench.ts): it hosts the Slack Web API stub (SLACK_API_URL and every
// command's response_url point here), sends the signed `/runway` commands and GET /healthz round
// trips, and times them on its own clock. The server's listener work after ack() then runs on the
// server's event loop, not on the one that reads the acknowledgement.
//
// Protocol: the child sends {type:'ready', apiUrl, responseUrlBase}; the parent sends
// {type:'run', job}; the child answers {type:'done', result}; the parent sends {type:'close'} once
// the server has stopped, and the child closes the stub and exits.
import { startSlackApiStub } from '../support/slack-api-stub';
import { postSlack, slashCommandBody } from '../support/slack-signing';

export interface AckJob {
  serverUrl: string;
  commands: Array<{ text: string; userId: string }>;
  /** How long to wait for a command's answer at its response_url. */
  answerTimeoutMs: number;
}

export interface AckSample {
  /** Index in job.commands. */
  index: number;
  /** The response_url path it was given (unique). */
  path: string;
  status: number;
  /** The acknowledgement's body (Slack wants it empty, or a message). */
  ackBody: string;
  /** From sending the command to having its HTTP response (the ack), ms. */
  ackMs: number;
  /** From sending the command to its answer reaching the response_url, ms; null: none came. */
  answerMs: number | null;
  /** The GET /healthz round trip just before it, ms. */
  healthzMs: number;
}

export interface AckAnswer {
  path: string;
  responseType: unknown;
  text: unknown;
  actionIds: string[];
}

export interface AckResult {
  /** One per command, in order (the bench leaves out its warm-up ones). */
  samples: AckSample[];
  /** Every POST that reached a response_url, in arrival order. */
  answers: AckAnswer[];
  /** Web API calls the server made, by method (the commands need none: users are linked). */
  apiCalls: Record<string, number>;
  healthzStatuses: Record<string, number>;
}

type FromParent = { type: 'run'; job: AckJob } | { type: 'close' };

function send(message: unknown): void {
  process.send!(message);
}

const stub = await startSlackApiStub();
const answersAt = (path: string): number =>
  stub.calls.filter((call) => call.method === 'response_url' && call.path === path).length;

async function run(job: AckJob): Promise<AckResult> {
  const samples: AckSample[] = [];
  const healthzStatuses: Record<string, number> = {};
  for (const [index, command] of job.commands.entries()) {
    const path = `/respond/${index + 1}`;
    // A unique response_url (and trigger_id) per command: the retry dedupe never drops one.
    const body = slashCommandBody({
      ...command,
      responseUrl: `${stub.responseUrlBase}/${index + 1}`,
    });

    const healthStarted = performance.now();
    const health = await fetch(`${job.serverUrl}/healthz`);
    await health.json();
    const healthzMs = performance.now() - healthStarted;
    healthzStatuses[health.status] = (healthzStatuses[health.status] ?? 0) + 1;

    // The answer's arrival is noted by the stub's own request handler, whenever it comes.
    let answeredAt = Number.NaN;
    const answered = stub
      .waitFor(() => {
        if (answersAt(path) === 0) return false;
        if (Number.isNaN(answeredAt)) answeredAt = performance.now();
        return true;
      }, job.answerTimeoutMs)
      .then(
        () => true,
        () => false,
      );
    const started = performance.now();
    const ack = await postSlack(job.serverUrl, body);
    const ackMs = performance.now() - started;
    const arrived = await answered;
    samples.push({
      index,
      path,
      status: ack.status,
      ackBody: ack.text,
      ackMs,
      answerMs: arrived ? answeredAt - started : null,
      healthzMs,
    });
    if ((index + 1) % 100 === 0) process.stderr.write(`[bench]   ${index + 1} commands sent\n`);
  }
  const apiCalls: Record<string, number> = {};
  for (const call of stub.calls)
    if (call.method !== 'response_url') apiCalls[call.method] = (apiCalls[call.method] ?? 0) + 1;
  return {
    samples,
    answers: stub.calls
      .filter((call) => call.method === 'response_url')
      .map((call) => ({
        path: call.path,
        responseType: call.args['response_type'],
        text: call.args['text'],
        actionIds: ((call.args['blocks'] ?? []) as Array<{ type: string; elements?: unknown[] }>)
          .filter((block) => block.type === 'actions')
          .flatMap((block) => (block.elements ?? []) as Array<{ action_id: string }>)
          .map((element) => element.action_id),
      })),
    apiCalls,
    healthzStatuses,
  };
}

process.on('message', (message: FromParent) => {
  if (message.type === 'run') {
    run(message.job).then(
      (result) => send({ type: 'done', result }),
      (error: unknown) =>
        send({ type: 'failed', error: error instanceof Error ? error.stack : String(error) }),
    );
  } else if (message.type === 'close') {
    void stub.close().then(() => process.disconnect());
  }
});
send({ type: 'ready', apiUrl: stub.apiUrl, responseUrlBase: stub.responseUrlBase });
