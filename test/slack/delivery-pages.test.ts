import { afterEach, describe, expect, it } from 'vitest';
import {
  parseExperimentValue,
  parsePageValue,
  SLACK_ACTION_IDS,
} from '../../bot/src/slack-actions';
import { createSlackDelivery } from '../../server/src/slack-delivery/create-slack-delivery';
import { makeSpec } from '../support/harness';
import {
  ALICE,
  buttonsOf,
  CONSOLE_URL,
  failGuardrail,
  pagePosts,
  refsOf,
  sendTreatment,
  SLACK_IDS,
  startDeliveryRig,
  textOf,
  type DeliveryRig,
} from './delivery-test-kit';
import { SLACK_USERS, startSlackTestServer, type SlackTestServer } from './slack-test-kit';

// Pages reach Slack as one DM to the owner and one post in the experiment's channel, with the
// evidence and buttons that act on the experiment's current version; when the page or the
// experiment changes, the same two messages are edited (chat.update on the stored ts).

let rig: DeliveryRig;

afterEach(async () => {
  await rig?.stop();
});

describe('pages in Slack', () => {
  it('posts a guardrail failure fed through OTLP once to the owner and once to the channel, with working buttons', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2', { action: 'pause' });
    const experiment = rig.server.runway.experimentStore.get('checkout-v2')!;
    expect(experiment.state).toBe('paused');

    const report = await rig.delivery.drainOnce();
    expect(report).toMatchObject({ delivered: 1, retried: 0, abandoned: 0 });
    const posts = pagePosts(rig.stub.calls, pageId);
    expect(posts.map((call) => call.args['channel']).sort()).toEqual([
      '#payments-releases',
      'D0ALICE',
    ]);
    expect(rig.stub.callsTo('users.lookupByEmail').map((call) => call.args['email'])).toEqual([
      'alice@example.com',
    ]);
    expect(rig.stub.callsTo('conversations.open').map((call) => call.args['users'])).toEqual([
      SLACK_IDS.alice,
    ]);

    for (const post of posts) {
      const text = textOf(post);
      // The evidence: the SLI against its bound, the sequential test, the samples.
      expect(text).toContain('Guardrail `error_rate` failed on *checkout-v2*: Runway paused it');
      expect(text).toMatch(/\*SLI\* `error_rate`: \*0\.1\d*\* vs bound `max 0\.02`/);
      expect(text).toContain('sequential (mSPRT): statistic');
      expect(text).toContain('20,000 treatment');
      expect(text).toContain('paused, stage 1/3 at 10%');
      expect(text).toContain(`<@${SLACK_IDS.alice}>`);
      expect(text).toContain('runway://experiment/checkout-v2');
      expect(post.args['text']).toMatch(/^Runway page: guardrail error_rate failed/);

      // Buttons carry the ids and values the bot's handlers parse (bot/src/slack-actions.ts).
      const buttons = buttonsOf(post);
      expect(buttons.map((button) => button.action_id)).toEqual([
        SLACK_ACTION_IDS.pageAck,
        SLACK_ACTION_IDS.rollback,
        SLACK_ACTION_IDS.openConsole,
      ]);
      expect(parsePageValue(buttons[0]!.value)).toEqual({ pageId });
      expect(parseExperimentValue(buttons[1]!.value)).toEqual({
        key: 'checkout-v2',
        version: experiment.version,
      });
      expect(buttons[2]!.url).toBe(`${CONSOLE_URL}/experiments/checkout-v2`);
    }

    // The refs are recorded per destination; draining again posts nothing.
    expect(refsOf(rig, pageId)).toEqual([
      {
        destination: 'channel',
        status: 'posted',
        channel: '#payments-releases',
        ts: expect.any(String),
      },
      { destination: 'owner', status: 'posted', channel: 'D0ALICE', ts: expect.any(String) },
    ]);
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 0, retried: 0 });
    expect(rig.stub.callsTo('chat.postMessage')).toHaveLength(2);
    expect(rig.stub.callsTo('chat.update')).toHaveLength(0);
  });

  it('updates both messages in place after an acknowledgement and after a rollback', async () => {
    rig = await startDeliveryRig();
    const pageId = await failGuardrail(rig, 'checkout-v2', { action: 'pause' });
    await rig.delivery.drainOnce();
    const refs = refsOf(rig, pageId);

    rig.clock.advance(60_000);
    await rig.server.client(rig.server.tokens.alice).pages.acknowledge.mutate({ id: pageId });
    await rig.delivery.drainOnce();
    const acknowledged = rig.stub.callsTo('chat.update');
    expect(acknowledged.map((call) => [call.args['channel'], call.args['ts']]).sort()).toEqual(
      refs.map((ref) => [ref.channel, ref.ts]).sort(),
    );
    for (const update of acknowledged) {
      expect(textOf(update)).toContain('acknowledged by *alice*');
      expect(buttonsOf(update).map((button) => button.action_id)).toEqual([
        SLACK_ACTION_IDS.rollback,
        SLACK_ACTION_IDS.openConsole,
      ]);
    }

    rig.clock.advance(60_000);
    const version = rig.server.runway.experimentStore.get('checkout-v2')!.version;
    rig.server.runway.experiments.rollback('checkout-v2', version, 'errors up 5x', ALICE);
    await rig.delivery.drainOnce();
    const afterRollback = rig.stub.callsTo('chat.update').slice(acknowledged.length);
    expect(afterRollback).toHaveLength(2);
    for (const update of afterRollback) {
      expect(textOf(update)).toContain('*State now*\\nrolled back');
      // Nothing left to pause or roll back: only the console link remains.
      expect(buttonsOf(update).map((button) => button.action_id)).toEqual([
        SLACK_ACTION_IDS.openConsole,
      ]);
    }
    // The guardrail page was never posted again; the rollback raised its own page, sent once.
    expect(pagePosts(rig.stub.calls, pageId)).toHaveLength(2);
    const rollbackPage = rig.server.runway.pages
      .list(ALICE, { experimentKey: 'checkout-v2' })
      .find((page) => page.kind === 'rollback')!;
    expect(pagePosts(rig.stub.calls, rollbackPage.id)).toHaveLength(2);

    // Nothing changed since: no more updates.
    await rig.delivery.drainOnce();
    expect(rig.stub.callsTo('chat.update')).toHaveLength(4);
  });

  it('shows the cascade on the pages of a guardrail rollback, each page posted once', async () => {
    rig = await startDeliveryRig();
    const alice = rig.server.client(rig.server.tokens.alice);
    await alice.experiments.enqueue.mutate({
      specs: [
        makeSpec('payments-api-v3', {
          service: 'payments',
          channel: '#payments-releases',
          stages: [{ percent: 100, hold: '1m' }],
          guardrails: [{ sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' }],
        }),
        makeSpec('checkout-one-click', {
          requires: ['payments-api-v3'],
          stages: [{ percent: 100, hold: '1m' }],
        }),
        makeSpec('search-rerank', { requires: ['checkout-one-click'] }),
      ],
    });
    const { runway } = rig.server;
    runway.scheduler.tick();
    rig.clock.advance(10_000);
    await sendTreatment(rig, 'payments-api-v3', 20_000, 80);
    runway.guardrails.evaluateRunning(rig.clock.now());
    // payments-api-v3 completes and bakes; checkout-one-click starts on it and completes; then
    // search-rerank starts on that. Errors then climb in payments-api-v3's bake.
    for (let minute = 0; minute < 2; minute++) {
      rig.clock.advance(60_000);
      runway.scheduler.tick();
      runway.scheduler.tick();
    }
    expect(runway.experimentStore.get('checkout-one-click')?.state).toBe('completed');
    expect(runway.experimentStore.get('search-rerank')?.state).toBe('running');
    rig.clock.advance(5_000);
    await sendTreatment(rig, 'payments-api-v3', 20_000, 2_000);
    runway.guardrails.evaluateRunning(rig.clock.now());

    await rig.delivery.drainOnce();
    const pages = runway.pages.list(ALICE, {});
    // payments-api-v3's owner gets the evidence page only (it says Runway rolled it back); each
    // dependent taken down gets its own rollback page.
    expect(pages.map((page) => [page.kind, page.experimentKey])).toEqual([
      ['guardrail', 'payments-api-v3'],
      ['rollback', 'checkout-one-click'],
      ['rollback', 'search-rerank'],
    ]);
    // Each page: one DM to its owner; the channel post only where the experiment names one.
    for (const page of pages) {
      const posts = pagePosts(rig.stub.calls, page.id);
      const expected = page.experimentKey === 'payments-api-v3' ? 2 : 1;
      expect(posts, `posts for page ${page.id}`).toHaveLength(expected);
    }
    const evidence = pagePosts(rig.stub.calls, pages[0]!.id)[0]!;
    expect(textOf(evidence)).toContain('Runway rolled it back');
    expect(textOf(evidence)).toContain(
      '*Cascade* rolling back `payments-api-v3` also rolled back 2 dependents',
    );
    expect(textOf(evidence)).toContain('`checkout-one-click` (requires `payments-api-v3`)');
    expect(textOf(evidence)).toContain('`search-rerank` (requires `checkout-one-click`)');
    const dependent = pagePosts(rig.stub.calls, pages[2]!.id)[0]!;
    expect(textOf(dependent)).toContain(
      '*search-rerank* was rolled back in a cascade from *payments-api-v3*',
    );
    expect(textOf(dependent)).toContain(
      '`search-rerank` (requires `checkout-one-click`) ← this one',
    );
  });

  it('delivers and updates on its own once started, nudged by each committed change', async () => {
    rig = await startDeliveryRig();
    rig.delivery.start();
    const pageId = await failGuardrail(rig, 'checkout-v2');
    await rig.stub.waitFor((calls) => pagePosts(calls, pageId).length === 2);
    rig.server.runway.pages.acknowledge(pageId, ALICE);
    await rig.stub.waitFor(
      (calls) => calls.filter((call) => call.method === 'chat.update').length === 2,
    );
    await rig.delivery.stop();
    expect(pagePosts(rig.stub.calls, pageId)).toHaveLength(2);
  });

  it('sends pages of experiments without a channel to the default channel, or only to the owner', async () => {
    rig = await startDeliveryRig({ defaultChannel: '#releases' });
    const first = await failGuardrail(rig, 'search-rerank', { channel: null });
    await rig.delivery.drainOnce();
    expect(
      pagePosts(rig.stub.calls, first)
        .map((call) => call.args['channel'])
        .sort(),
    ).toEqual(['#releases', 'D0ALICE']);

    const onlyOwner = rig.newDelivery({ defaultChannel: null });
    const second = await failGuardrail(rig, 'cart-redesign', { channel: null });
    await onlyOwner.drainOnce();
    expect(pagePosts(rig.stub.calls, second).map((call) => call.args['channel'])).toEqual([
      'D0ALICE',
    ]);
  });

  it('still posts to the channel when the owner has no Slack user, and says so once', async () => {
    rig = await startDeliveryRig();
    rig.stub.usersByEmail.delete('alice@example.com');
    const pageId = await failGuardrail(rig, 'checkout-v2');
    expect(await rig.delivery.drainOnce()).toMatchObject({ delivered: 1, retried: 0 });
    expect(pagePosts(rig.stub.calls, pageId).map((call) => call.args['channel'])).toEqual([
      '#payments-releases',
    ]);
    expect(textOf(pagePosts(rig.stub.calls, pageId)[0]!)).toContain('alice@example.com');
    expect(refsOf(rig, pageId).map((ref) => [ref.destination, ref.status])).toEqual([
      ['channel', 'posted'],
      ['owner', 'undeliverable'],
    ]);
    expect(rig.logs.filter((line) => line.includes('no Slack user for the owner'))).toHaveLength(1);
  });

  it('uses the Slack user a Runway user is linked to before looking the email up', async () => {
    rig = await startDeliveryRig();
    const admin = rig.server.client(rig.server.tokens.admin);
    await admin.auth.linkUser.mutate({
      name: 'alice',
      slackUserId: 'U0LINKED',
      email: 'alice@example.com',
    });
    const pageId = await failGuardrail(rig, 'checkout-v2');
    await rig.delivery.drainOnce();
    expect(rig.stub.callsTo('users.lookupByEmail')).toHaveLength(0);
    expect(
      pagePosts(rig.stub.calls, pageId)
        .map((call) => call.args['channel'])
        .sort(),
    ).toEqual(['#payments-releases', 'D0LINKED']);
  });
});

describe('page buttons, clicked in Slack', () => {
  let slack: SlackTestServer | null = null;

  afterEach(async () => {
    await slack?.stop();
    slack = null;
  });

  it('acknowledges the page and rolls the experiment back through the bot; the messages follow', async () => {
    slack = await startSlackTestServer();
    slack.stub.usersByEmail.set('alice@example.com', SLACK_USERS.alice);
    const pageRig = { server: slack.server, clock: slack.clock };
    const delivery = createSlackDelivery({
      runway: slack.server.runway,
      slack: { botToken: 'xoxb-test', apiUrl: slack.stub.apiUrl },
      consoleBaseUrl: CONSOLE_URL,
      clock: slack.clock,
      log: () => {},
    });
    const pageId = await failGuardrail(pageRig, 'checkout-v2', { action: 'pause' });
    await delivery.drainOnce();
    const [dm] = pagePosts(slack.stub.calls, pageId).filter(
      (call) => call.args['channel'] === `D${SLACK_USERS.alice.slice(1)}`,
    );
    const ack = buttonsOf(dm!).find((button) => button.action_id === SLACK_ACTION_IDS.pageAck)!;

    const clicked = await slack.click(ack.action_id, ack.value, SLACK_USERS.alice);
    expect(clicked.status).toBe(200);
    await slack.answer(clicked.responsePath);
    expect(
      slack.server.runway.pages.list(ALICE, { open: true }).map((page) => page.id),
    ).not.toContain(pageId);
    await delivery.drainOnce();
    const updates = slack.stub.callsTo('chat.update');
    expect(updates).toHaveLength(2);
    for (const update of updates) expect(textOf(update)).toContain('acknowledged by *alice*');

    // Roll back from the updated message: its button carries the version it shows.
    const rollback = buttonsOf(updates[0]!).find(
      (button) => button.action_id === SLACK_ACTION_IDS.rollback,
    )!;
    const rolled = await slack.click(rollback.action_id, rollback.value, SLACK_USERS.alice);
    expect(rolled.status).toBe(200);
    await slack.answer(rolled.responsePath);
    expect(slack.server.runway.experimentStore.get('checkout-v2')?.state).toBe('rolled_back');
    await delivery.drainOnce();
    const afterRollback = slack.stub.callsTo('chat.update').slice(2);
    expect(afterRollback).toHaveLength(2);
    for (const update of afterRollback) {
      expect(textOf(update)).toContain('*State now*\\nrolled back');
    }
    expect(pagePosts(slack.stub.calls, pageId)).toHaveLength(2);
  });
});
