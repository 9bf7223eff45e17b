import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall, StubFault } from '../support/slack-api-stub';
import {
  failGuardrail,
  pagePosts,
  refsOf,
  startDeliveryRig,
  type DeliveryRig,
} from './delivery-test-kit';

// Slack failing for real (the stub answers 500 or 429 with Retry-After): the outbox keeps each
// page, retries on its own persisted schedule (exponential backoff with a cap; never before
// Retry-After), and once Slack recovers every page arrives exactly once, per destination.

let rig: DeliveryRig;

afterEach(async () => {
  await rig?.stop();
});

interface OutboxRow {
  id: number;
  topic: string;
  attempts: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

function outboxRows(prefix = 'page.'): OutboxRow[] {
  return rig.server.runway.db
    .prepare(
      `SELECT id, topic, attempts, next_attempt_at AS nextAttemptAt, delivered_at AS deliveredAt,
        last_error AS lastError FROM outbox WHERE topic LIKE ? ORDER BY id`,
    )
    .all(`${prefix}%`) as OutboxRow[];
}

/** Makes `method` fail as told, and answers which recorded calls were the failed ones. */
function failing(method: string, fault: StubFault & { count: number }): () => RecordedCall[] {
  const from = rig.stub.calls.length;
  const others = method === '*' ? new Set(['chat.postMessage']) : new Set<string>();
  rig.stub.fail(method, fault);
  return () =>
    rig.stub.calls
      .slice(from)
      .filter((call) => (method === '*' ? !others.has(call.method) : call.method === method))
      .slice(0, fault.count);
}

function unmarkPages(): void {
  rig.server.runway.db
    .prepare("UPDATE outbox SET delivered_at = NULL WHERE topic LIKE 'page.%'")
    .run();
}

/** The posts about a page that Slack accepted (answered 200). */
function arrived(pageId: number, failed: ReadonlySet<RecordedCall>): RecordedCall[] {
  return pagePosts(rig.stub.calls, pageId).filter((call) => !failed.has(call));
}

describe('delivery through Slack failures', () => {
  it('waits at least Retry-After before calling Slack again after a 429', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    const failedCalls = failing('chat.postMessage', { status: 429, retryAfterSec: 2, count: 1 });
    const limitedAt = rig.clock.now();

    const first = await rig.delivery.drainOnce();
    expect(first).toMatchObject({ delivered: 0, retried: 1, blockedUntilMs: limitedAt + 2_000 });
    const [row] = outboxRows();
    expect(row).toMatchObject({ attempts: 1, deliveredAt: null, nextAttemptAt: limitedAt + 2_000 });
    expect(row!.lastError).toContain('Retry-After 2 s');

    // 1999 ms later: not a single Slack call, for this page or anything else.
    rig.clock.advance(1_999);
    const callsBefore = rig.stub.calls.length;
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 0, retried: 0 });
    expect(rig.stub.calls.length).toBe(callsBefore);

    rig.clock.advance(1);
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 1, retried: 0 });
    const sent = arrived(pageId, new Set(failedCalls()));
    expect(sent.map((call) => call.args['channel']).sort()).toEqual([
      '#payments-releases',
      'D0ALICE',
    ]);
  });

  it('backs off exponentially after 500s, up to the cap, then delivers once', async () => {
    rig = await startDeliveryRig({ backoff: { baseMs: 1_000, maxMs: 8_000 } });
    const pageId = await failGuardrail(rig, 'checkout-v2');
    // Both destinations are tried each round (they fail independently): six failed rounds.
    const failedCalls = failing('chat.postMessage', { status: 500, count: 12 });

    const delays: number[] = [];
    for (let round = 0; round < 10; round++) {
      const now = rig.clock.now();
      await rig.delivery.drainOnce();
      const [row] = outboxRows();
      if (row!.deliveredAt !== null) break;
      delays.push(row!.nextAttemptAt - now);
      expect(row!.lastError).toBe('Slack answered HTTP 500');
      // Just before the next attempt is due, nothing is tried.
      rig.clock.set(row!.nextAttemptAt - 1);
      const calls = rig.stub.calls.length;
      await rig.delivery.drainOnce();
      expect(rig.stub.calls.length).toBe(calls);
      rig.clock.set(row!.nextAttemptAt);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(outboxRows()[0]).toMatchObject({ attempts: 7, lastError: null });
    const sent = arrived(pageId, new Set(failedCalls()));
    expect(sent.map((call) => call.args['channel']).sort()).toEqual([
      '#payments-releases',
      'D0ALICE',
    ]);
  });

  it('posts to the channel even while the DM fails, and sends the DM on a later attempt', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    rig.stub.fail('conversations.open', { status: 500, count: 1 });
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 0, retried: 1 });
    expect(pagePosts(rig.stub.calls, pageId).map((call) => call.args['channel'])).toEqual([
      '#payments-releases',
    ]);
    rig.clock.advance(1_000);
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 1 });
    expect(pagePosts(rig.stub.calls, pageId).map((call) => call.args['channel'])).toEqual([
      '#payments-releases',
      'D0ALICE',
    ]);
  });

  it('loses no page and doubles none through an outage of 500s and 429s and a restart', async () => {
    rig = await startDeliveryRig({ backoff: { baseMs: 1_000, maxMs: 10_000 } });
    const keys = ['checkout-v2', 'search-rerank', 'cart-redesign', 'payments-api-v3'];
    const pageIds: number[] = [];
    for (const key of keys) pageIds.push(await failGuardrail(rig, key));
    // Other methods answer 500 four times; posts are first rate limited, then fail twice more.
    const failedOthers = failing('*', { status: 500, count: 4 });
    const failedPosts = failing('chat.postMessage', { status: 429, retryAfterSec: 3, count: 5 });
    let delivery = rig.delivery;

    for (let round = 0; round < 60; round++) {
      const report = await delivery.drainOnce();
      const pending = outboxRows().filter((row) => row.deliveredAt === null);
      if (pending.length === 0) break;
      // The process restarts mid-outage: caches and the in-memory 429 pause are gone; the
      // outbox, the refs and each message's schedule are not.
      if (round === 5) delivery = rig.newDelivery();
      const next = Math.min(...pending.map((row) => row.nextAttemptAt));
      rig.clock.set(Math.max(rig.clock.now() + 1, next, report.blockedUntilMs ?? 0));
    }
    expect(outboxRows().filter((row) => row.deliveredAt === null)).toEqual([]);
    expect(outboxRows().some((row) => row.attempts > 1)).toBe(true);
    const failed = new Set([...failedOthers(), ...failedPosts()]);
    expect(failed.size).toBe(9);
    for (const pageId of pageIds) {
      const sent = arrived(pageId, failed);
      expect(sent.map((call) => call.args['channel']).sort(), `page ${pageId}`).toEqual([
        '#payments-releases',
        'D0ALICE',
      ]);
      expect(refsOf(rig, pageId).map((ref) => ref.status)).toEqual(['posted', 'posted']);
    }
  });

  it('does not post again when the process died after Slack answered but before the outbox was marked', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    await rig.delivery.drainOnce();
    expect(refsOf(rig, pageId)).toHaveLength(2);
    // As if the process died right after recording both refs, before marking the message.
    unmarkPages();

    const restarted = rig.newDelivery();
    expect(await restarted.drainOnce()).toMatchObject({ delivered: 1, retried: 0 });
    expect(rig.stub.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('after dying between the DM and the channel post, posts only the channel', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    await rig.delivery.drainOnce();
    // The state a crash after the DM's ref was written, before the channel post, leaves.
    rig.server.runway.db
      .prepare("DELETE FROM slack_page_messages WHERE page_id = ? AND destination = 'channel'")
      .run(pageId);
    unmarkPages();
    const from = rig.stub.calls.length;

    await rig.newDelivery().drainOnce();
    expect(
      pagePosts(rig.stub.calls.slice(from), pageId).map((call) => call.args['channel']),
    ).toEqual(['#payments-releases']);
    expect(refsOf(rig, pageId).map((ref) => ref.destination)).toEqual(['channel', 'owner']);
  });

  it('drops a page Slack could not be reached for within a day, and says why', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    rig.clock.advance(25 * 3_600_000);
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 0, abandoned: 1 });
    expect(pagePosts(rig.stub.calls, pageId)).toEqual([]);
    expect(outboxRows()[0]!.lastError).toMatch(/^stale: raised 1d1h/);
    expect(rig.logs.some((line) => line.includes('stale'))).toBe(true);
  });
});
