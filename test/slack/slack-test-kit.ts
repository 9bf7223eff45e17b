import { ManualClock } from '../../server/src/clock';
import { startTestServer, type TestServer } from '../support/harness';
import { startSlackApiStub, type RecordedCall, type SlackApiStub } from '../support/slack-api-stub';
import {
  interactionBody,
  postSlack,
  slashCommandBody,
  TEST_SIGNING_SECRET,
} from '../support/slack-signing';

// The real server with the bot on, pointed at a local Slack Web API stub, and the Slack users the
// tests act as: each linked to one of the harness's Runway users (alice operator, bob and carol
// release managers, vic viewer). Commands and clicks are POSTed signed, exactly as Slack sends them.

export const SLACK_USERS = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  vic: 'U0VIC',
} as const;

export const START_MS = Date.UTC(2026, 10, 30, 9, 0, 0);

export interface SlackTestServer {
  server: TestServer;
  stub: SlackApiStub;
  clock: ManualClock;
  /** POSTs `/runway TEXT` as the Slack user; the answer arrives at `responsePath`. */
  command(
    text: string,
    userId: string,
    options?: { retryNum?: number; body?: string },
  ): Promise<{ status: number; text: string; body: string; responsePath: string }>;
  /** POSTs a button click as the Slack user. */
  click(
    actionId: string,
    value: string | undefined,
    userId: string,
    options?: { retryNum?: number; body?: string },
  ): Promise<{ status: number; body: string; responsePath: string }>;
  /** Waits for the first answer posted to a response_url path, and returns it. */
  answer(responsePath: string): Promise<Record<string, unknown>>;
  answersTo(responsePath: string): RecordedCall[];
  stop(): Promise<void>;
}

let sequence = 0;

export async function startSlackTestServer(
  options: { link?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<SlackTestServer> {
  const stub = await startSlackApiStub();
  const clock = new ManualClock(START_MS);
  const server = await startTestServer({
    clock,
    guardrailLoop: false,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: stub.apiUrl,
      ...options.env,
    },
  });
  if (options.link !== false) {
    const admin = server.client(server.tokens.admin);
    for (const [name, slackUserId] of Object.entries(SLACK_USERS))
      await admin.auth.linkUser.mutate({ name, slackUserId });
  }
  const nextPath = (): string => `/respond/${++sequence}`;
  const answersTo = (path: string): RecordedCall[] =>
    stub.calls.filter((call) => call.method === 'response_url' && call.path === path);
  return {
    server,
    stub,
    clock,
    command: async (text, userId, commandOptions = {}) => {
      const responsePath = nextPath();
      const body =
        commandOptions.body ??
        slashCommandBody({
          text,
          userId,
          responseUrl: `${stub.responseUrlBase}${responsePath.slice('/respond'.length)}`,
        });
      const response = await postSlack(server.url, body, {
        ...(commandOptions.retryNum !== undefined ? { retryNum: commandOptions.retryNum } : {}),
      });
      return { status: response.status, text: response.text, body, responsePath };
    },
    click: async (actionId, value, userId, clickOptions = {}) => {
      const responsePath = nextPath();
      const n = ++sequence;
      const body =
        clickOptions.body ??
        interactionBody({
          type: 'block_actions',
          team: { id: 'T0RUNWAY', domain: 'runway-test' },
          user: {
            id: userId,
            username: userId.toLowerCase(),
            name: userId.toLowerCase(),
            team_id: 'T0RUNWAY',
          },
          api_app_id: 'A0RUNWAY',
          token: 'deprecated-verification-token',
          container: {
            type: 'message',
            message_ts: '1764400000.000100',
            channel_id: 'C0INCIDENT',
            is_ephemeral: false,
          },
          trigger_id: `trigger-click-${n}`,
          channel: { id: 'C0INCIDENT', name: 'incident' },
          message: {
            type: 'message',
            ts: '1764400000.000100',
            text: 'a Runway message',
            blocks: [],
          },
          response_url: `${stub.responseUrlBase}${responsePath.slice('/respond'.length)}`,
          actions: [
            {
              type: 'button',
              action_id: actionId,
              block_id: 'runway-actions',
              text: { type: 'plain_text', text: 'button' },
              ...(value !== undefined ? { value } : {}),
              action_ts: `1764400001.${String(n).padStart(6, '0')}`,
            },
          ],
        });
      const response = await postSlack(server.url, body, {
        ...(clickOptions.retryNum !== undefined ? { retryNum: clickOptions.retryNum } : {}),
      });
      return { status: response.status, body, responsePath };
    },
    answer: async (responsePath) => {
      await stub.waitFor(() => answersTo(responsePath).length > 0);
      return answersTo(responsePath)[0]!.args;
    },
    answersTo,
    stop: async () => {
      await server.stop();
      await stub.close();
    },
  };
}

/** Everything an answer says, blocks included, as one string for matching. */
export function answerText(answer: Record<string, unknown>): string {
  return `${String(answer['text'] ?? '')}\n${JSON.stringify(answer['blocks'] ?? [])}`;
}

/** The buttons of an answer, with their action ids and values. */
export function answerButtons(
  answer: Record<string, unknown>,
): Array<{ action_id: string; value?: string; url?: string }> {
  const blocks = (answer['blocks'] ?? []) as Array<{ type: string; elements?: unknown[] }>;
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap(
      (block) =>
        (block.elements ?? []) as Array<{ action_id: string; value?: string; url?: string }>,
    );
}
