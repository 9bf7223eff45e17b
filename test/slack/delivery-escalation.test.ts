import { afterEach, describe, expect, it } from 'vitest';
import { parsePageValue, SLACK_ACTION_IDS } from '../../bot/src/slack-actions';
import { expectClientError } from '../support/http-calls';
import { runCli } from '../support/run-cli';
import {
  ALICE,
  buttonsOf,
  failGuardrail,
  metadataOf,
  pagePosts,
  SLACK_IDS,
  startDeliveryRig,
  textOf,
  type DeliveryRig,
} from './delivery-test-kit';

// A page nobody acknowledges escalates, once, after its team's configured time, as a DM to the
// team's secondary contact; the owner's and the channel's messages then say so. Time is the
// test clock; escalateDue is called as the delivery loop would.

const MINUTE = 60_000;
let rig: DeliveryRig;

afterEach(async () => {
  await rig?.stop();
});

function escalationPosts(pageId: number) {
  return pagePosts(rig.stub.calls, pageId).filter(
    (call) => metadataOf(call)?.event_payload['destination'] === 'escalation',
  );
}

describe('escalation', () => {
  it('escalates an unacknowledged page once, after the team time, to the secondary contact', async () => {
    rig = await startDeliveryRig();
    await rig.server.client(rig.server.tokens.admin).teams.setContact.mutate({
      team: 'payments',
      secondary: 'bob@example.com',
      escalateAfterMs: 15 * MINUTE,
    });
    const pageId = await failGuardrail(rig, 'checkout-v2');
    const raisedAt = rig.clock.now();
    await rig.delivery.drainOnce();

    rig.clock.set(raisedAt + 15 * MINUTE - 1);
    expect(await rig.delivery.escalateDue()).toBe(0);
    expect(escalationPosts(pageId)).toEqual([]);

    rig.clock.set(raisedAt + 15 * MINUTE);
    expect(await rig.delivery.escalateDue()).toBe(1);
    const [dm] = escalationPosts(pageId);
    expect(dm?.args['channel']).toBe('D0BOB');
    expect(textOf(dm!)).toContain('*Escalated to you:* nobody acknowledged this page within 15m');
    expect(textOf(dm!)).toContain('secondary contact of team *payments*');
    expect(textOf(dm!)).toContain('Guardrail `error_rate` failed on *checkout-v2*');
    const ack = buttonsOf(dm!).find((button) => button.action_id === SLACK_ACTION_IDS.pageAck);
    expect(parsePageValue(ack?.value)).toEqual({ pageId });

    // Never twice, however long it stays open.
    rig.clock.advance(3 * 60 * MINUTE);
    expect(await rig.delivery.escalateDue()).toBe(0);
    await rig.delivery.drainOnce();
    expect(escalationPosts(pageId)).toHaveLength(1);
    const audit = rig.server.runway.audit.list({ action: 'page.escalate', limit: 10 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'runway:slack',
      experimentKey: 'checkout-v2',
      details: { pageId, secondary: 'bob@example.com', escalateAfterMs: 15 * MINUTE },
    });

    // The owner's DM and the channel post now say who it went to.
    const updates = rig.stub.callsTo('chat.update');
    expect(updates.map((call) => call.args['channel']).sort()).toEqual([
      '#payments-releases',
      'D0ALICE',
    ]);
    for (const update of updates)
      expect(textOf(update)).toContain(`escalated to <@${SLACK_IDS.bob}>`);

    // Bob acknowledges: all three messages show it.
    await rig.server.client(rig.server.tokens.bob).pages.acknowledge.mutate({ id: pageId });
    await rig.delivery.drainOnce();
    const acknowledged = rig.stub.callsTo('chat.update').slice(updates.length);
    expect(acknowledged.map((call) => call.args['channel']).sort()).toEqual([
      '#payments-releases',
      'D0ALICE',
      'D0BOB',
    ]);
    for (const update of acknowledged) expect(textOf(update)).toContain('acknowledged by *bob*');
  });

  it('does not escalate acknowledged pages, nor pages of teams without a contact', async () => {
    rig = await startDeliveryRig();
    await rig.server.client(rig.server.tokens.admin).teams.setContact.mutate({
      team: 'payments',
      secondary: SLACK_IDS.bob,
    });
    const acknowledged = await failGuardrail(rig, 'checkout-v2');
    const noContact = await failGuardrail(rig, 'search-rerank', { team: 'search' });
    await rig.delivery.drainOnce();
    rig.clock.advance(5 * MINUTE);
    rig.server.runway.pages.acknowledge(acknowledged, ALICE);

    // The default time is 15 minutes.
    rig.clock.advance(10 * MINUTE);
    expect(await rig.delivery.escalateDue()).toBe(0);
    rig.clock.advance(60 * MINUTE);
    expect(await rig.delivery.escalateDue()).toBe(0);
    expect([...escalationPosts(acknowledged), ...escalationPosts(noContact)]).toEqual([]);
    expect(rig.stub.callsTo('conversations.open').map((call) => call.args['users'])).toEqual([
      SLACK_IDS.alice,
    ]);
  });

  it('sends an escalation claimed during a Slack outage once Slack answers again', async () => {
    rig = await startDeliveryRig();
    await rig.server.client(rig.server.tokens.admin).teams.setContact.mutate({
      team: 'payments',
      secondary: SLACK_IDS.bob,
      escalateAfterMs: 5 * MINUTE,
    });
    const pageId = await failGuardrail(rig, 'checkout-v2');
    await rig.delivery.drainOnce();
    rig.stub.fail('conversations.open', { status: 500, count: 2 });
    rig.clock.advance(5 * MINUTE);
    expect(await rig.delivery.escalateDue()).toBe(1);
    expect(escalationPosts(pageId)).toEqual([]);
    for (let round = 0; round < 5 && escalationPosts(pageId).length === 0; round++) {
      rig.clock.advance(10_000);
      await rig.delivery.drainOnce();
    }
    expect(escalationPosts(pageId).map((call) => call.args['channel'])).toEqual(['D0BOB']);
    rig.clock.advance(MINUTE);
    await rig.delivery.drainOnce();
    expect(escalationPosts(pageId)).toHaveLength(1);
  });

  it('sets contacts with `runway team set-contact` (admin only) and lists them', async () => {
    rig = await startDeliveryRig();
    const { url, tokens } = rig.server;
    const set = await runCli(
      [
        'team',
        'set-contact',
        'payments',
        '--secondary',
        'bob@example.com',
        '--escalate-after',
        '10m',
      ],
      { url, token: tokens.admin },
    );
    expect(set).toMatchObject({ exitCode: 0 });
    expect(set.stdout).toContain(
      'team payments: unacknowledged pages escalate to bob@example.com after 10m',
    );
    const refused = await runCli(['team', 'set-contact', 'payments', '--secondary', 'U0CAROL'], {
      url,
      token: tokens.alice,
    });
    expect(refused.exitCode).toBe(1);
    const usage = await runCli(
      ['team', 'set-contact', 'payments', '--secondary', 'U0CAROL', '--escalate-after', 'soon'],
      { url, token: tokens.admin },
    );
    expect(usage.exitCode).toBe(2);

    const listed = await runCli(['team', 'list', '--json'], { url, token: tokens.vic });
    expect(JSON.parse(listed.stdout)).toMatchObject({
      contacts: [{ team: 'payments', secondary: 'bob@example.com', escalateAfterMs: 10 * MINUTE }],
    });
    const admin = rig.server.client(tokens.admin);
    const bad = await expectClientError(
      admin.teams.setContact.mutate({ team: 'payments', secondary: 'not a person' }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('secondary: must be a Slack user ID like U012ABCDEF or an email');
    expect(
      (
        await expectClientError(
          rig.server.client(tokens.bob).teams.setContact.mutate({ team: 'x', secondary: 'U0BOB' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    const audit = rig.server.runway.audit.list({ action: 'team.contact', limit: 10 });
    expect(audit.map((entry) => [entry.actor, entry.details['secondary']])).toEqual([
      ['admin', 'bob@example.com'],
    ]);
  });
});
