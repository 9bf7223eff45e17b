import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_ACTION_IDS } from '../../bot/src/slack-actions';
import { makeSpec, type RunwayClient } from '../support/harness';
import { slackSignatureHeaders } from '../support/slack-signing';
import {
  answerButtons,
  answerText,
  SLACK_USERS,
  startSlackTestServer,
  type SlackTestServer,
} from './slack-test-kit';

// Every `/runway` command through Bolt's real HTTP receiver on the real server: acknowledged at
// once with an empty 200, answered through the response_url, and each change checked in the
// database and the audit log, whose actor is the Runway user the Slack user is linked to.

let kit: SlackTestServer;
let alice: RunwayClient;

beforeAll(async () => {
  kit = await startSlackTestServer();
  alice = kit.server.client(kit.server.tokens.alice);
});

afterAll(async () => {
  await kit.stop();
});

const VIEWER = { userId: null, name: 'test', role: 'viewer' } as const;

const state = (key: string): string | undefined =>
  kit.server.runway.experimentStore.get(key)?.state;

function lastAudit(action: string, key?: string) {
  return kit.server.runway.audit.list({
    action,
    ...(key ? { experimentKey: key } : {}),
    limit: 1,
  })[0];
}

/** Sends a command, checks the immediate empty ack, and returns the answer it gets later. */
async function run(text: string, userId: string): Promise<Record<string, unknown>> {
  const sent = await kit.command(text, userId);
  expect(sent).toMatchObject({ status: 200, text: '' });
  return kit.answer(sent.responsePath);
}

async function startRunning(key: string, overrides: Record<string, unknown> = {}): Promise<void> {
  await alice.experiments.enqueue.mutate({ specs: [makeSpec(key, overrides)] });
  kit.server.runway.scheduler.tick();
  expect(state(key)).toBe('running');
}

describe('/runway read commands', () => {
  it('lists open experiments, one state, and explains a blocked one verbatim', async () => {
    await startRunning('list-running');
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('list-waiting', { requires: ['list-running'] })],
    });
    kit.server.runway.scheduler.tick();
    expect(state('list-waiting')).toBe('queued');

    const all = await run('list', SLACK_USERS.vic);
    expect(all['response_type']).toBe('ephemeral');
    expect(answerText(all)).toContain('`list-running` *running*');
    expect(answerText(all)).toContain('`list-waiting` *queued*');

    const queued = await run('list queued', SLACK_USERS.vic);
    expect(answerText(queued)).toContain('list-waiting');
    expect(answerText(queued)).not.toContain('`list-running` *running*');

    const reasons = kit.server.runway.experiments.get('list-waiting', {
      userId: null,
      name: 'test',
      role: 'viewer',
    }).blockedReasons;
    expect(reasons.length).toBeGreaterThan(0);
    const why = await run('why list-waiting', SLACK_USERS.vic);
    for (const reason of reasons) expect(answerText(why)).toContain(reason.message);
  });

  it('brings blocked reasons up to every committed change before answering, as the API does', async () => {
    // With the scheduler in a worker (as served), known reasons can lag a commit; a read that
    // skipped the refresh answered "nothing blocks it" for a blocked experiment once.
    const gates = kit.server.runway.gates;
    const original = gates.refresh.bind(gates);
    const refreshed: Array<readonly string[] | undefined> = [];
    gates.refresh = (keys?: readonly string[]) => {
      refreshed.push(keys);
      return original(keys);
    };
    try {
      await run('why list-waiting', SLACK_USERS.vic);
      await run('status list-waiting', SLACK_USERS.vic);
      await run('list', SLACK_USERS.vic);
    } finally {
      gates.refresh = original;
    }
    expect(refreshed).toEqual([['list-waiting'], ['list-waiting'], undefined]);
  });

  it('shows status with state, stage, exposure and buttons carrying the current version', async () => {
    await startRunning('status-shown');
    const version = kit.server.runway.experimentStore.get('status-shown')!.version;
    const status = await run('status status-shown', SLACK_USERS.vic);
    const text = answerText(status);
    expect(text).toContain('running');
    expect(text).toContain('1/3');
    expect(text).toContain('10%');
    const buttons = answerButtons(status);
    expect(buttons.map((button) => button.action_id)).toEqual([
      SLACK_ACTION_IDS.pause,
      SLACK_ACTION_IDS.rollback,
      SLACK_ACTION_IDS.openConsole,
    ]);
    expect(JSON.parse(buttons[0]!.value!)).toEqual({ key: 'status-shown', version });
    expect(buttons[2]!.url).toBe(`${kit.server.url}/experiments/status-shown`);

    const missing = await run('status no-such-thing', SLACK_USERS.vic);
    expect(missing['response_type']).toBe('ephemeral');
    expect(answerText(missing)).toContain('no experiment "no-such-thing"');
  });
});

describe('/runway changes', () => {
  it('pauses and resumes as the linked user, in the channel, audited with the reason', async () => {
    await startRunning('pause-me');
    const paused = await run('pause pause-me errors up 3x & rising', SLACK_USERS.alice);
    expect(paused['response_type']).toBe('in_channel');
    expect(answerText(paused)).toContain('paused');
    expect(state('pause-me')).toBe('paused');
    expect(lastAudit('experiment.pause', 'pause-me')).toMatchObject({
      actor: 'alice',
      reason: 'errors up 3x & rising',
      toState: 'paused',
    });

    const again = await run('pause pause-me still bad', SLACK_USERS.alice);
    expect(again['response_type']).toBe('ephemeral');
    expect(again['text']).toBe('Cannot pause pause-me: it is paused (pause needs running).');
    expect(
      kit.server.runway.audit.count({ action: 'experiment.pause', experimentKey: 'pause-me' }),
    ).toBe(1);

    const resumed = await run('resume pause-me', SLACK_USERS.alice);
    expect(resumed['response_type']).toBe('in_channel');
    expect(state('pause-me')).toBe('running');
    expect(lastAudit('experiment.resume', 'pause-me')).toMatchObject({ actor: 'alice' });
  });

  it('rolls back at once when nothing else depends on it', async () => {
    await startRunning('lone-rollback');
    const answer = await run('rollback lone-rollback latency doubled', SLACK_USERS.alice);
    expect(answer['response_type']).toBe('in_channel');
    expect(state('lone-rollback')).toBe('rolled_back');
    expect(lastAudit('experiment.rollback', 'lone-rollback')).toMatchObject({
      actor: 'alice',
      reason: 'latency doubled',
    });
  });

  it('asks to confirm a rollback that cascades, then rolls back the whole blast radius', async () => {
    const { runway } = kit.server;
    await alice.experiments.enqueue.mutate({
      specs: [
        makeSpec('payments-core', { service: 'payments', stages: [{ percent: 100, hold: '1m' }] }),
        makeSpec('one-click-pay', { requires: ['payments-core'] }),
      ],
    });
    runway.scheduler.tick();
    kit.clock.advance(61_000);
    runway.scheduler.tick();
    runway.scheduler.tick();
    expect(state('payments-core')).toBe('completed');
    expect(state('one-click-pay')).toBe('running');

    const confirm = await run('rollback payments-core card errors', SLACK_USERS.alice);
    expect(confirm['response_type']).toBe('ephemeral');
    expect(answerText(confirm)).toContain('also rolls back 1 experiment');
    expect(answerText(confirm)).toContain('one-click-pay');
    // Nothing changed yet: the answer only shows what would go down.
    expect(state('payments-core')).toBe('completed');
    expect(state('one-click-pay')).toBe('running');
    const [button] = answerButtons(confirm);
    expect(button?.action_id).toBe(SLACK_ACTION_IDS.rollbackConfirm);

    // The Roll back button of a status message asks the same way.
    const status = await run('status payments-core', SLACK_USERS.alice);
    const rollbackButton = answerButtons(status).find(
      (candidate) => candidate.action_id === SLACK_ACTION_IDS.rollback,
    );
    const viaButton = await kit.click(
      rollbackButton!.action_id,
      rollbackButton!.value,
      SLACK_USERS.alice,
    );
    const asked = await kit.answer(viaButton.responsePath);
    expect(answerButtons(asked).map((candidate) => candidate.action_id)).toEqual([
      SLACK_ACTION_IDS.rollbackConfirm,
    ]);
    expect(state('payments-core')).toBe('completed');

    // Another dependent starts before the confirm click: the click shows the new blast radius.
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('two-click-pay', { requires: ['payments-core'] })],
    });
    runway.scheduler.tick();
    expect(state('two-click-pay')).toBe('running');
    const outdated = await kit.click(button!.action_id, button!.value, SLACK_USERS.alice);
    const reshown = await kit.answer(outdated.responsePath);
    expect(reshown['response_type']).toBe('ephemeral');
    expect(answerText(reshown)).toContain('changed since you looked');
    expect(answerText(reshown)).toContain('two-click-pay');
    expect(state('payments-core')).toBe('completed');
    expect(state('two-click-pay')).toBe('running');

    const [current] = answerButtons(reshown);
    const clicked = await kit.click(current!.action_id, current!.value, SLACK_USERS.alice);
    expect(clicked.status).toBe(200);
    const done = await kit.answer(clicked.responsePath);
    expect(done['response_type']).toBe('in_channel');
    expect(answerText(done)).toContain('one-click-pay');
    expect(answerText(done)).toContain('two-click-pay');
    for (const key of ['payments-core', 'one-click-pay', 'two-click-pay'])
      expect(state(key)).toBe('rolled_back');
    expect(lastAudit('experiment.rollback', 'payments-core')).toMatchObject({
      actor: 'alice',
      reason: 'card errors',
      cause: null,
    });
    for (const key of ['one-click-pay', 'two-click-pay'])
      expect(lastAudit('experiment.rollback', key)).toMatchObject({
        actor: 'alice',
        cause: 'payments-core',
      });
  });

  it('approves a high-risk experiment as a release manager', async () => {
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('risky-change', { risk: 'high' })],
    });
    expect(state('risky-change')).toBe('pending_approval');
    const answer = await run('approve risky-change reviewed the plan', SLACK_USERS.bob);
    expect(answer['response_type']).toBe('in_channel');
    expect(state('risky-change')).toBe('queued');
    expect(lastAudit('experiment.approve', 'risky-change')).toMatchObject({
      actor: 'bob',
      reason: 'reviewed the plan',
    });
  });

  it('freezes and unfreezes a service as a release manager', async () => {
    const frozen = await run('freeze checkout until 2h payment provider incident', SLACK_USERS.bob);
    expect(frozen['response_type']).toBe('in_channel');
    const freeze = kit.server.runway.policy
      .view({ userId: null, name: 'test', role: 'viewer' })
      .freezes.find((row) => row.service === 'checkout' && row.liftedAt === null);
    expect(freeze).toMatchObject({
      createdBy: 'bob',
      reason: 'payment provider incident',
      endsAt: kit.clock.now() + 2 * 3_600_000,
    });
    expect(lastAudit('policy.freeze')).toMatchObject({ actor: 'bob' });

    const lifted = await run('unfreeze checkout', SLACK_USERS.bob);
    expect(lifted['response_type']).toBe('in_channel');
    expect(lastAudit('policy.unfreeze')).toMatchObject({ actor: 'bob' });
    expect(
      kit.server.runway.policy
        .view({ userId: null, name: 'test', role: 'viewer' })
        .freezes.some((row) => row.service === 'checkout'),
    ).toBe(false);
  });

  it("schedules this channel's digest in its time zone, as the Slack user, and says when the next is due", async () => {
    const answer = await run('digest here weekdays 09:00 Europe/Berlin', SLACK_USERS.alice);
    expect(answer['response_type']).toBe('in_channel');
    expect(answerText(answer)).toMatch(
      /alice\* scheduled the Runway digest for this channel: weekdays at 09:00 \(Europe\/Berlin\)\. The next one is due /,
    );
    const schedules = kit.server.runway.digests.list({
      userId: null,
      name: 'test',
      role: 'viewer',
    });
    expect(schedules).toEqual([
      expect.objectContaining({
        channel: 'C0INCIDENT',
        cron: '0 9 * * 1-5',
        timeZone: 'Europe/Berlin',
        createdBy: 'alice',
      }),
    ]);
    expect(lastAudit('digest.schedule')).toMatchObject({ actor: 'alice' });
  });

  it('shows a cron schedule with its stars, in a code span and in the notification text', async () => {
    const answer = await run('digest here "45 22 * * *"', SLACK_USERS.alice);
    expect(answer['text']).toMatch(
      /^:calendar: alice scheduled the Runway digest for this channel: cron 45 22 \* \* \* \(UTC\)\. The next one is due /,
    );
    expect(JSON.stringify(answer['blocks'])).toContain('cron `45 22 * * *` (UTC)');
  });

  it("schedules a team's digest for this channel, audited with its scope, replacing the fleet's", async () => {
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('digest-scope-payments', { team: 'payments' })],
    });
    const previous = kit.server.runway.digests.list(VIEWER)[0];
    const answer = await run(
      'digest here daily 08:00 Europe/Berlin for team payments',
      SLACK_USERS.alice,
    );
    expect(answer['response_type']).toBe('in_channel');
    expect(answerText(answer)).toMatch(
      /alice\* scheduled the Runway digest of team payments for this channel: daily at 08:00 \(Europe\/Berlin\)\. The next one is due [^.]+\."/,
    );
    expect(answerText(answer)).not.toContain('No experiments');
    expect(kit.server.runway.digests.list(VIEWER)).toEqual([
      expect.objectContaining({
        channel: 'C0INCIDENT',
        cron: '0 8 * * *',
        timeZone: 'Europe/Berlin',
        scope: { kind: 'team', name: 'payments' },
      }),
    ]);
    expect(lastAudit('digest.schedule')).toMatchObject({
      actor: 'alice',
      details: {
        channel: 'C0INCIDENT',
        cron: '0 8 * * *',
        scope: { kind: 'team', name: 'payments' },
        replaced: previous?.id,
      },
    });
  });

  it('accepts a service no experiment uses yet, and says so in the confirmation', async () => {
    const answer = await run('digest here weekly mon 09:00 for service ledger', SLACK_USERS.alice);
    expect(answer['response_type']).toBe('in_channel');
    expect(answerText(answer)).toContain(
      'scheduled the Runway digest of service ledger for this channel: every mon at 09:00 (UTC).',
    );
    expect(answerText(answer)).toContain(
      'No experiments for service ledger yet: the digest lists them once there are.',
    );
    expect(kit.server.runway.digests.list(VIEWER)).toEqual([
      expect.objectContaining({
        channel: 'C0INCIDENT',
        scope: { kind: 'service', name: 'ledger' },
        experimentsInScope: 0,
      }),
    ]);
  });

  it('refuses a viewer and a malformed scope, ephemerally, and keeps the schedule', async () => {
    const before = kit.server.runway.digests.list(VIEWER);
    const viewer = await run('digest here daily 09:00 for team payments', SLACK_USERS.vic);
    expect(viewer['response_type']).toBe('ephemeral');
    const cases: Array<[string, RegExp]> = [
      ['digest here daily 09:00 for crew payments', /\\"crew\\" is not a digest scope/],
      ['digest here daily 09:00 for team', /for team needs a team name/],
      [
        'digest here daily 09:00 for team payments Europe/Berlin',
        /put the time zone before \\"for\\"/,
      ],
    ];
    for (const [text, expected] of cases) {
      const answer = await run(text, SLACK_USERS.alice);
      expect(answer['response_type'], text).toBe('ephemeral');
      expect(answerText(answer), text).toMatch(expected);
      expect(answerText(answer), text).toContain(
        '/runway digest here SCHEDULE [for team|service NAME]',
      );
    }
    expect(kit.server.runway.digests.list(VIEWER)).toEqual(before);
  });
});

describe('/runway usage help', () => {
  it('lists the commands for help and for an unknown command', async () => {
    const help = await run('help', SLACK_USERS.vic);
    for (const command of [
      'list',
      'status',
      'why',
      'pause',
      'rollback',
      'approve',
      'freeze',
      'digest',
    ])
      expect(answerText(help)).toContain(`/runway ${command}`);
    expect(answerText(help)).toContain('/runway digest here SCHEDULE [for team|service NAME]');
    const unknown = await run('frobnicate now', SLACK_USERS.vic);
    expect(unknown['response_type']).toBe('ephemeral');
    expect(answerText(unknown)).toContain('unknown command \\"frobnicate\\"');
    expect(answerText(unknown)).toContain('/runway rollback KEY reason');
  });

  it('answers bad arguments with the usage of the command meant, and changes nothing', async () => {
    await startRunning('usage-target');
    const cases: Array<[string, RegExp]> = [
      ['pause', /pause needs an experiment key[\s\S]*\/runway pause KEY reason/],
      ['pause usage-target', /pause needs a reason[\s\S]*\/runway pause KEY reason/],
      ['rollback Not_A_Key oops', /is not an experiment key[\s\S]*\/runway rollback KEY/],
      ['list sideways', /unknown state \\"sideways\\"[\s\S]*\/runway list \[state\]/],
      ['freeze checkout until whenever x', /is not a time[\s\S]*\/runway freeze/],
      ['digest here sometimes', /is not a schedule[\s\S]*\/runway digest here/],
    ];
    for (const [text, expected] of cases) {
      const answer = await run(text, SLACK_USERS.alice);
      expect(answer['response_type']).toBe('ephemeral');
      expect(answerText(answer)).toMatch(expected);
    }
    expect(state('usage-target')).toBe('running');
  });
});

describe('events', () => {
  it('answers a mention in its thread with a pointer to the commands, once per event', async () => {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: 'T0RUNWAY',
      api_app_id: 'A0RUNWAY',
      type: 'event_callback',
      event_id: 'Ev0MENTION1',
      event_time: 1764400000,
      event: {
        type: 'app_mention',
        user: SLACK_USERS.vic,
        text: '<@U0RUNWAYBOT> what can you do?',
        ts: '1764400000.000200',
        channel: 'C0INCIDENT',
      },
    });
    const post = (retryNum?: number) =>
      fetch(`${kit.server.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...slackSignatureHeaders(body, retryNum === undefined ? {} : { retryNum }),
        },
        body,
      });
    expect((await post()).status).toBe(200);
    const inThread = (): unknown[] =>
      kit.stub
        .callsTo('chat.postMessage')
        .filter((call) => call.args['thread_ts'] === '1764400000.000200');
    await kit.stub.waitFor(() => inThread().length > 0);
    expect(kit.stub.callsTo('chat.postMessage').at(-1)).toMatchObject({
      token: 'xoxb-test',
      args: { channel: 'C0INCIDENT', text: expect.stringContaining('/runway help') },
    });
    expect((await post(1)).status).toBe(200);
    const later = await kit.command('help', SLACK_USERS.vic);
    await kit.answer(later.responsePath);
    expect(inThread()).toHaveLength(1);
  });
});
