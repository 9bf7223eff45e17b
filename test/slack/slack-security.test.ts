import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeExperimentValue, SLACK_ACTION_IDS } from '../../bot/src/slack-actions';
import { loadServerConfig } from '../../server/src/config/config';
import { startServer, type RunningServer } from '../../server/src/serve';
import { fingerprint, openReadOnly } from '../support/db-inspect';
import { makeSpec } from '../support/harness';
import { postSlack, slashCommandBody, TEST_SIGNING_SECRET } from '../support/slack-signing';
import {
  answerText,
  SLACK_USERS,
  startSlackTestServer,
  type SlackTestServer,
} from './slack-test-kit';

// Who may do what from Slack, and that a request acts at most once: Bolt's receiver refuses
// forged and stale signatures, an unlinked or under-privileged user is refused with what to ask
// for, a retried command or click (X-Slack-Retry-Num, same body) acts once, across a restart too.

let kit: SlackTestServer;

afterEach(async () => {
  await kit.stop();
});

const state = (key: string): string | undefined =>
  kit.server.runway.experimentStore.get(key)?.state;

async function startRunning(key: string): Promise<number> {
  await kit.server.client(kit.server.tokens.alice).experiments.enqueue.mutate({
    specs: [makeSpec(key)],
  });
  kit.server.runway.scheduler.tick();
  expect(state(key)).toBe('running');
  return kit.server.runway.experimentStore.get(key)!.version;
}

const auditCount = (action: string, key: string): number =>
  kit.server.runway.audit.count({ action, experimentKey: key });

describe('signed requests only', () => {
  it('refuses a forged signature and a stale timestamp with 401, changing nothing', async () => {
    kit = await startSlackTestServer();
    await startRunning('guarded');
    const body = slashCommandBody({
      text: 'rollback guarded forged',
      userId: SLACK_USERS.alice,
      responseUrl: `${kit.stub.responseUrlBase}/forged`,
    });
    const before = fingerprint(kit.server.dbPath);

    const forged = await postSlack(kit.server.url, body, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await postSlack(kit.server.url, body, { timestampSec: sixMinutesAgo });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${kit.server.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);

    expect(fingerprint(kit.server.dbPath)).toEqual(before);
    expect(state('guarded')).toBe('running');
    expect(kit.stub.callsTo('response_url')).toEqual([]);

    // The same body, signed properly and fresh, is acted on: the refusals were the signature's.
    const genuine = await postSlack(kit.server.url, body);
    expect(genuine.status).toBe(200);
    await kit.answer('/respond/forged');
    expect(state('guarded')).toBe('rolled_back');
  });
});

describe('identity and roles', () => {
  it('refuses an unlinked Slack user, saying what to ask for, and changes nothing', async () => {
    kit = await startSlackTestServer();
    await startRunning('stranger-target');
    const before = fingerprint(kit.server.dbPath);
    const sent = await kit.command('pause stranger-target looks bad', 'U0STRANGER');
    expect(sent.status).toBe(200);
    const answer = await kit.answer(sent.responsePath);
    expect(answer['response_type']).toBe('ephemeral');
    expect(answerText(answer)).toContain('not linked to a Runway user');
    expect(answerText(answer)).toContain('runway user link YOUR_RUNWAY_NAME --slack U0STRANGER');
    expect(state('stranger-target')).toBe('running');
    const after = fingerprint(kit.server.dbPath);
    expect(after).toEqual(before);
  });

  it('refuses a viewer a rollback, naming the role needed, before showing anything', async () => {
    kit = await startSlackTestServer();
    await startRunning('viewer-target');
    const before = fingerprint(kit.server.dbPath);
    const sent = await kit.command('rollback viewer-target i think it is broken', SLACK_USERS.vic);
    const answer = await kit.answer(sent.responsePath);
    expect(answer['response_type']).toBe('ephemeral');
    const text = answerText(answer);
    expect(text).toContain('*operator* role');
    expect(text).toContain('*vic* is a viewer');
    expect(text).toContain('runway token create --name vic --role operator');
    expect(state('viewer-target')).toBe('running');
    expect(fingerprint(kit.server.dbPath)).toEqual(before);
  });

  it('re-authorises a button click: a viewer clicking Roll back is refused', async () => {
    kit = await startSlackTestServer();
    const version = await startRunning('button-target');
    const value = encodeExperimentValue({ key: 'button-target', version });
    const clicked = await kit.click(SLACK_ACTION_IDS.rollback, value, SLACK_USERS.vic);
    expect(clicked.status).toBe(200);
    const answer = await kit.answer(clicked.responsePath);
    expect(answer['response_type']).toBe('ephemeral');
    expect(answerText(answer)).toContain('*operator* role');
    expect(state('button-target')).toBe('running');
    expect(auditCount('experiment.rollback', 'button-target')).toBe(0);

    // The same button for an operator acts, as that operator.
    const byAlice = await kit.click(SLACK_ACTION_IDS.rollback, value, SLACK_USERS.alice);
    expect((await kit.answer(byAlice.responsePath))['response_type']).toBe('in_channel');
    expect(state('button-target')).toBe('rolled_back');
    expect(
      kit.server.runway.audit.list({
        action: 'experiment.rollback',
        experimentKey: 'button-target',
        limit: 1,
      })[0],
    ).toMatchObject({ actor: 'alice' });
  });

  it('refuses a click on a message that is out of date, and a value it cannot read', async () => {
    kit = await startSlackTestServer();
    const version = await startRunning('stale-target');
    const stale = encodeExperimentValue({ key: 'stale-target', version: version - 1 });
    const clicked = await kit.click(SLACK_ACTION_IDS.pause, stale, SLACK_USERS.alice);
    const answer = await kit.answer(clicked.responsePath);
    expect(answer['response_type']).toBe('ephemeral');
    expect(answerText(answer)).toContain(`changed since version ${version - 1}`);
    expect(answerText(answer)).toContain('/runway status stale-target');
    expect(state('stale-target')).toBe('running');

    const garbage = await kit.click(
      SLACK_ACTION_IDS.pause,
      '{"key":"stale-target"}',
      SLACK_USERS.alice,
    );
    expect(answerText(await kit.answer(garbage.responsePath))).toContain(
      'not one Runway understands',
    );
    expect(state('stale-target')).toBe('running');
  });
});

describe('retries act once', () => {
  it('a retried command (X-Slack-Retry-Num, same body) is acknowledged and dropped', async () => {
    kit = await startSlackTestServer();
    await startRunning('retried-command');
    const first = await kit.command('pause retried-command error spike', SLACK_USERS.alice);
    await kit.answer(first.responsePath);
    const retry = await kit.command('', SLACK_USERS.alice, { body: first.body, retryNum: 1 });
    expect(retry.status).toBe(200);
    // A later command's answer shows the bot has moved on; the retry added no answer of its own.
    const later = await kit.command('status retried-command', SLACK_USERS.alice);
    await kit.answer(later.responsePath);
    expect(kit.answersTo(first.responsePath)).toHaveLength(1);
    expect(auditCount('experiment.pause', 'retried-command')).toBe(1);
    expect(state('retried-command')).toBe('paused');
  });

  it('a retried button click acts once', async () => {
    kit = await startSlackTestServer();
    const version = await startRunning('retried-click');
    const value = encodeExperimentValue({ key: 'retried-click', version });
    const first = await kit.click(SLACK_ACTION_IDS.pause, value, SLACK_USERS.alice);
    expect((await kit.answer(first.responsePath))['response_type']).toBe('in_channel');
    const retry = await kit.click(SLACK_ACTION_IDS.pause, value, SLACK_USERS.alice, {
      body: first.body,
      retryNum: 1,
    });
    expect(retry.status).toBe(200);
    const later = await kit.command('status retried-click', SLACK_USERS.alice);
    await kit.answer(later.responsePath);
    expect(kit.answersTo(first.responsePath)).toHaveLength(1);
    expect(auditCount('experiment.pause', 'retried-click')).toBe(1);
  });

  it('remembers a handled request across a restart of the server', async () => {
    kit = await startSlackTestServer();
    const first = await kit.command('freeze payments until 1h provider outage', SLACK_USERS.bob);
    await kit.answer(first.responsePath);
    const freezes = (path: string): number => {
      const db = openReadOnly(path);
      try {
        return db
          .prepare("SELECT COUNT(*) FROM freeze_windows WHERE service = 'payments'")
          .pluck()
          .get() as number;
      } finally {
        db.close();
      }
    };
    const { dbPath, dir } = kit.server;
    expect(freezes(dbPath)).toBe(1);

    // Restart on the same database file (close, not stop: stop deletes the directory).
    await kit.server.close();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: kit.stub.apiUrl,
    };
    let restarted: RunningServer | null = null;
    try {
      restarted = await startServer(loadServerConfig(env, { port: 0, dbPath }), {
        log: () => {},
        schedulerLoop: false,
        guardrailLoop: false,
      });
      const retry = await postSlack(restarted.url, first.body, { retryNum: 2 });
      expect(retry).toMatchObject({ status: 200, text: '' });
      // A later command's answer shows the restarted bot is serving; the retry did nothing.
      const later = slashCommandBody({
        text: 'list',
        userId: SLACK_USERS.bob,
        responseUrl: `${kit.stub.responseUrlBase}/after-restart`,
      });
      expect((await postSlack(restarted.url, later)).status).toBe(200);
      await kit.answer('/respond/after-restart');
      expect(restarted.runway.db.prepare('SELECT COUNT(*) FROM slack_requests').pluck().get()).toBe(
        2,
      );
      expect(freezes(dbPath)).toBe(1);
      expect(kit.answersTo(first.responsePath)).toHaveLength(1);
    } finally {
      await restarted?.close();
      await kit.stub.close();
      rmSync(dir, { recursive: true, force: true });
      // Already stopped by hand: make afterEach's stop a no-op.
      kit = { ...kit, stop: async () => {} };
    }
  });
});
