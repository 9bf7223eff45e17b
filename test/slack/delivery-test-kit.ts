import { expect } from 'vitest';
import type { BackoffPolicy } from '../../bot/src/delivery/slack-failure';
import type { Actor } from '../../server/src/actor';
import { ManualClock } from '../../server/src/clock';
import {
  createSlackDelivery,
  type SlackDelivery,
} from '../../server/src/slack-delivery/create-slack-delivery';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { deltaSum, postMetrics } from '../support/otlp';
import { startSlackApiStub, type RecordedCall, type SlackApiStub } from '../support/slack-api-stub';

// The real server (guardrail loop off: tests evaluate by hand) with Slack delivery built against
// its runway, talking to the local Slack Web API stub. Nothing sleeps: the ManualClock is moved
// and drainOnce / escalateDue / postDueDigests are called, or the stub is waited on.

export const START_MS = Date.UTC(2026, 10, 30, 9, 0, 0);
export const CONSOLE_URL = 'https://runway.example.com';
export const SLACK_IDS = { alice: 'U0ALICE', bob: 'U0BOB' } as const;
export const ALICE: Actor = { userId: null, name: 'alice', role: 'operator' };

export interface DeliveryOptions {
  backoff?: BackoffPolicy;
  defaultChannel?: string | null;
  maxPageAgeMs?: number;
}

export interface DeliveryRig {
  server: TestServer;
  stub: SlackApiStub;
  clock: ManualClock;
  delivery: SlackDelivery;
  logs: string[];
  /** A new delivery engine over the same runway, as after a restart of the process. */
  newDelivery(options?: DeliveryOptions): SlackDelivery;
  stop(): Promise<void>;
}

export async function startDeliveryRig(options: DeliveryOptions = {}): Promise<DeliveryRig> {
  const stub = await startSlackApiStub();
  stub.usersByEmail.set('alice@example.com', SLACK_IDS.alice);
  stub.usersByEmail.set('bob@example.com', SLACK_IDS.bob);
  const clock = new ManualClock(START_MS);
  const server = await startTestServer({ clock, guardrailLoop: false });
  const logs: string[] = [];
  const newDelivery = (overrides: DeliveryOptions = {}): SlackDelivery =>
    createSlackDelivery({
      runway: server.runway,
      slack: {
        botToken: 'xoxb-test',
        apiUrl: stub.apiUrl,
        defaultChannel:
          ('defaultChannel' in overrides ? overrides.defaultChannel : options.defaultChannel) ??
          null,
      },
      consoleBaseUrl: CONSOLE_URL,
      clock,
      ...((overrides.backoff ?? options.backoff)
        ? { backoff: overrides.backoff ?? options.backoff }
        : {}),
      ...((overrides.maxPageAgeMs ?? options.maxPageAgeMs)
        ? { maxPageAgeMs: overrides.maxPageAgeMs ?? options.maxPageAgeMs }
        : {}),
      log: (line) => logs.push(line),
    });
  const delivery = newDelivery();
  return {
    server,
    stub,
    clock,
    delivery,
    logs,
    newDelivery,
    stop: async () => {
      await delivery.stop();
      await server.stop();
      await stub.close();
    },
  };
}

/** One OTLP export of treatment request and error counts for `key`. */
export async function sendTreatment(
  rig: Pick<DeliveryRig, 'server' | 'clock'>,
  key: string,
  requests: number,
  errors: number,
): Promise<void> {
  const now = rig.clock.now();
  const metrics = [
    deltaSum('runway.requests', key, { treatment: requests }, now),
    deltaSum('runway.requests.errors', key, { treatment: errors }, now),
  ];
  const sent = await postMetrics(rig.server.url, rig.server.tokens.alice, 'payments', metrics);
  expect(sent).toEqual({ status: 200, body: {} });
}

/**
 * Starts `key` with an error_rate guardrail (max 2%) and feeds it 10% errors over OTLP: the
 * guardrail engine takes the action and raises a page. Returns the page's id.
 */
export async function failGuardrail(
  rig: Pick<DeliveryRig, 'server' | 'clock'>,
  key: string,
  options: { action?: 'pause' | 'rollback'; channel?: string | null; team?: string } = {},
): Promise<number> {
  const { server, clock } = rig;
  await server.client(server.tokens.alice).experiments.enqueue.mutate({
    specs: [
      makeSpec(key, {
        service: 'payments',
        ...(options.channel === null ? {} : { channel: options.channel ?? '#payments-releases' }),
        ...(options.team ? { team: options.team } : {}),
        guardrails: [
          { sli: 'error_rate', max: 0.02, window: '5m', action: options.action ?? 'pause' },
        ],
      }),
    ],
  });
  server.runway.scheduler.tick();
  expect(server.runway.experimentStore.get(key)?.state).toBe('running');
  clock.advance(10_000);
  await sendTreatment(rig, key, 20_000, 2_000);
  server.runway.guardrails.evaluateRunning(clock.now());
  const page = server.runway.pages
    .list(ALICE, { experimentKey: key })
    .find((candidate) => candidate.kind === 'guardrail');
  expect(page, `a guardrail page for ${key}`).toBeDefined();
  return page!.id;
}

interface PostedMetadata {
  event_type: string;
  event_payload: Record<string, string | number>;
}

export function metadataOf(call: RecordedCall): PostedMetadata | null {
  const raw = call.args['metadata'];
  if (typeof raw !== 'string') return null;
  return JSON.parse(raw) as PostedMetadata;
}

/** chat.postMessage calls about one page (by the metadata Runway attaches). */
export function pagePosts(calls: readonly RecordedCall[], pageId: number): RecordedCall[] {
  return calls.filter(
    (call) =>
      call.method === 'chat.postMessage' && metadataOf(call)?.event_payload['page_id'] === pageId,
  );
}

export interface Button {
  action_id: string;
  text: { text: string };
  value?: string;
  url?: string;
}

export function buttonsOf(call: RecordedCall): Button[] {
  const blocks = (call.args['blocks'] ?? []) as Array<{ type: string; elements?: Button[] }>;
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? []);
}

/** Every text in the message's blocks, joined: what a reader sees. */
export function textOf(call: RecordedCall): string {
  return JSON.stringify(call.args['blocks'] ?? []);
}

/** The Slack refs recorded for a page, by destination. */
export function refsOf(
  rig: Pick<DeliveryRig, 'server'>,
  pageId: number,
): Array<{ destination: string; status: string; channel: string | null; ts: string | null }> {
  return rig.server.runway.db
    .prepare(
      'SELECT destination, status, channel, ts FROM slack_page_messages WHERE page_id = ? ORDER BY destination',
    )
    .all(pageId) as Array<{
    destination: string;
    status: string;
    channel: string | null;
    ts: string | null;
  }>;
}
