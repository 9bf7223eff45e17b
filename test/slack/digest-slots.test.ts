import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { loadServerConfig } from '../../server/src/config/config';
import { startServer, type RunningServer } from '../../server/src/serve';
import { createSlackDelivery } from '../../server/src/slack-delivery/create-slack-delivery';
import { makeSpec } from '../support/harness';
import { expectClientError } from '../support/http-calls';
import { startSlackApiStub, type RecordedCall } from '../support/slack-api-stub';
import {
  ALICE,
  CONSOLE_URL,
  failGuardrail,
  metadataOf,
  startDeliveryRig,
  textOf,
  type DeliveryRig,
} from './delivery-test-kit';

// Digests: per-channel cron schedules read in the channel's time zone. Exactly one digest per
// slot, however often the delivery engine or the whole server restarts; after downtime, one
// catch-up digest for the latest missed slot, never the older ones.

/** 2026-11-30 is a Monday; Berlin is UTC+1 then, New York UTC-5. */
const dec = (day: number, hourUtc: number, minute = 0): number =>
  Date.UTC(2026, 11, day, hourUtc, minute);

let rig: DeliveryRig | null = null;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await rig?.stop();
  rig = null;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function digestPosts(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (call) =>
      call.method === 'chat.postMessage' && metadataOf(call)?.event_type === 'runway_digest',
  );
}

function slotOf(call: RecordedCall): number {
  return Number(metadataOf(call)!.event_payload['slot_at']);
}

describe('digests', () => {
  it('posts one digest per slot with what changed, what waits, budgets and open pages', async () => {
    rig = await startDeliveryRig();
    const { runway } = rig.server;
    const schedule = runway.digests.schedule(
      { channel: 'C0DIGEST1', cron: '0 9 * * *', timeZone: 'Europe/Berlin' },
      ALICE,
    );
    expect(schedule.nextRunAtMs).toBe(dec(1, 8));

    // The period's activity: checkout-v2 starts and its guardrail pauses it (an open page);
    // search-rerank waits for it.
    await failGuardrail(rig, 'checkout-v2');
    await rig.server.client(rig.server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('search-rerank', { requires: ['checkout-v2'] })],
    });
    runway.scheduler.tick();

    rig.clock.set(dec(1, 8) - 1);
    expect(await rig.delivery.postDueDigests()).toBe(0);
    rig.clock.set(dec(1, 8));
    expect(await rig.delivery.postDueDigests()).toBe(1);
    const [digest] = digestPosts(rig.stub.calls);
    expect(digest?.args['channel']).toBe('C0DIGEST1');
    expect(slotOf(digest!)).toBe(dec(1, 8));
    const text = textOf(digest!);
    expect(text).toContain('*Runway digest* for <!date^');
    expect(text).toContain('0 running · 1 paused · 1 queued');
    expect(text).toContain(
      '*:rocket: Started* (1)\\n• `checkout-v2`: stage 1 at 10% (runway:scheduler',
    );
    expect(text).toContain(
      '*:double_vertical_bar: Paused* (1)\\n• `checkout-v2`: guardrail error_rate failed',
    );
    expect(text).toContain(
      '*:hourglass: Waiting* (1)\\n• `search-rerank` (queued): requires checkout-v2',
    );
    expect(text).toMatch(
      /\*:rotating_light: Open pages\* \(1\)\\n• #\d+ `checkout-v2`: guardrail error_rate failed/,
    );
    expect(text).toContain('*:moneybag: Error budgets*');
    expect(text).toContain(`${CONSOLE_URL}/overview`);
    expect(digest!.args['text']).toBe('Runway digest: 2 changes, 1 waiting, 1 open page');

    // Again, and from a restarted delivery engine: nothing more for this slot.
    expect(await rig.delivery.postDueDigests()).toBe(0);
    await rig.delivery.drainOnce();
    rig.clock.advance(30_000);
    const restarted = rig.newDelivery();
    expect(await restarted.postDueDigests()).toBe(0);
    await restarted.drainOnce();
    expect(digestPosts(rig.stub.calls)).toHaveLength(1);

    // The next day's digest covers only what happened since the last one.
    rig.clock.set(dec(2, 8, 5));
    expect(await restarted.postDueDigests()).toBe(1);
    const second = digestPosts(rig.stub.calls)[1]!;
    expect(slotOf(second)).toBe(dec(2, 8));
    expect(textOf(second)).toContain('Nothing started, ramped, completed, paused or rolled back');
  });

  it('after downtime posts one catch-up digest for the latest missed slot, once, across server restarts', async () => {
    const stub = await startSlackApiStub();
    cleanups.push(() => stub.close());
    const dir = mkdtempSync(join(tmpdir(), 'runway-digest-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new ManualClock(dec(1, 7));
    const boot = async (): Promise<RunningServer> => {
      const running = await startServer(
        loadServerConfig({}, { port: 0, dbPath: join(dir, 'runway.db') }),
        {
          log: () => {},
          schedulerLoop: false,
          guardrailLoop: false,
          clock,
        },
      );
      cleanups.push(() => running.close());
      return running;
    };
    const deliveryFor = (running: RunningServer) =>
      createSlackDelivery({
        runway: running.runway,
        slack: { botToken: 'xoxb-test', apiUrl: stub.apiUrl },
        consoleBaseUrl: CONSOLE_URL,
        clock,
        log: () => {},
      });

    let server = await boot();
    server.runway.digests.schedule(
      { channel: 'C0DIGEST1', cron: '0 9 * * *', timeZone: 'Europe/Berlin' },
      ALICE,
    );
    clock.set(dec(1, 8, 1));
    expect(await deliveryFor(server).postDueDigests()).toBe(1);
    await server.close();

    // Down from Dec 1 to Dec 4 noon: the Dec 2, 3 and 4 slots were missed.
    clock.set(dec(4, 12));
    server = await boot();
    const delivery = deliveryFor(server);
    expect(await delivery.postDueDigests()).toBe(1);
    expect(await delivery.postDueDigests()).toBe(0);
    await server.close();
    server = await boot();
    expect(await deliveryFor(server).postDueDigests()).toBe(0);

    const posts = digestPosts(stub.calls);
    expect(posts.map(slotOf)).toEqual([dec(1, 8), dec(4, 8)]);
    const slots = server.runway.db
      .prepare(
        'SELECT slot_at AS slotAt, covers_since AS since, ts FROM digest_slots ORDER BY slot_at',
      )
      .all();
    expect(slots).toEqual([
      { slotAt: dec(1, 8), since: dec(1, 7), ts: expect.any(String) },
      { slotAt: dec(4, 8), since: dec(1, 8), ts: expect.any(String) },
    ]);
  });

  it('posts a slot claimed during a Slack outage once Slack answers, and never after a crash past the post', async () => {
    rig = await startDeliveryRig({ backoff: { baseMs: 1_000, maxMs: 4_000 } });
    rig.server.runway.digests.schedule(
      { channel: 'C0DIGEST1', cron: '0 * * * *', timeZone: 'UTC' },
      ALICE,
    );
    rig.stub.fail('chat.postMessage', { status: 500, count: 3 });
    rig.clock.set(dec(1, 10));
    expect(await rig.delivery.postDueDigests()).toBe(1);
    for (let round = 0; round < 6; round++) {
      rig.clock.advance(4_000);
      await rig.delivery.drainOnce();
    }
    const posts = digestPosts(rig.stub.calls);
    expect(posts).toHaveLength(4);
    expect(new Set(posts.map(slotOf))).toEqual(new Set([dec(1, 10)]));

    // As if the process died after Slack answered and the slot recorded it, before the outbox.
    rig.server.runway.db
      .prepare("UPDATE outbox SET delivered_at = NULL WHERE topic = 'slack.digest'")
      .run();
    await rig.newDelivery().drainOnce();
    expect(digestPosts(rig.stub.calls)).toHaveLength(4);
  });

  it('validates schedules by time zone, keeps one per channel, audits changes, and stops when removed', async () => {
    rig = await startDeliveryRig();
    const alice = rig.server.client(rig.server.tokens.alice);
    const scheduled = await alice.digests.schedule.mutate({
      channel: 'C0DIGEST1',
      cron: '0 9 * * 1-5',
      timeZone: 'America/New_York',
    });
    // 09:00 in New York on Monday Nov 30 is 14:00 UTC.
    expect(scheduled).toMatchObject({
      channel: 'C0DIGEST1',
      createdBy: 'alice',
      nextRunAtMs: Date.UTC(2026, 10, 30, 14),
    });

    const refused = async (input: { channel: string; cron: string; timeZone: string }) =>
      (await expectClientError(alice.digests.schedule.mutate(input))).message;
    expect(await refused({ channel: 'C0DIGEST1', cron: '61 9 * * *', timeZone: 'UTC' })).toMatch(
      /61 9/,
    );
    expect(await refused({ channel: 'C0DIGEST1', cron: '0 9 * *', timeZone: 'UTC' })).toContain(
      'five-field',
    );
    expect(
      await refused({ channel: 'C0DIGEST1', cron: '0 9 * * *', timeZone: 'Mars/Olympus' }),
    ).toContain('unknown time zone');
    expect(await refused({ channel: 'C0DIGEST1', cron: '*/5 * * * *', timeZone: 'UTC' })).toContain(
      'more often than every 15 minutes',
    );
    expect(
      await refused({ channel: 'not a channel', cron: '0 9 * * *', timeZone: 'UTC' }),
    ).toContain('channel');
    expect(
      (
        await expectClientError(
          rig.server.client(rig.server.tokens.vic).digests.schedule.mutate({
            channel: 'C0DIGEST1',
            cron: '0 9 * * *',
            timeZone: 'UTC',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');

    await alice.digests.schedule.mutate({
      channel: 'C0DIGEST1',
      cron: '0 8 * * *',
      timeZone: 'UTC',
    });
    expect((await alice.digests.list.query()).map((entry) => [entry.channel, entry.cron])).toEqual([
      ['C0DIGEST1', '0 8 * * *'],
    ]);
    await alice.digests.unschedule.mutate({ channel: 'C0DIGEST1' });
    expect(await alice.digests.list.query()).toEqual([]);
    rig.clock.set(dec(1, 9));
    expect(await rig.delivery.postDueDigests()).toBe(0);
    expect(digestPosts(rig.stub.calls)).toEqual([]);
    const audit = rig.server.runway.audit.list({ actor: 'alice', limit: 10 });
    expect(
      audit.map((entry) => entry.action).filter((action) => action.startsWith('digest.')),
    ).toEqual(['digest.unschedule', 'digest.schedule', 'digest.schedule']);
  });
});
