import { afterEach, describe, expect, it } from 'vitest';
import { encodePageValue, SLACK_ACTION_IDS } from '../../bot/src/slack-actions';
import { openReadOnly } from '../support/db-inspect';
import { makeSpec } from '../support/harness';
import {
  answerText,
  SLACK_USERS,
  startSlackTestServer,
  type SlackTestServer,
} from './slack-test-kit';

// A Slack user with no stored link is found by email (users.lookupByEmail in the Web API stub),
// the link is stored and audited, and the next request needs no lookup. Page buttons act as the
// clicking user too.

let kit: SlackTestServer;

afterEach(async () => {
  await kit.stop();
});

const ADMIN = { userId: null, name: 'test-setup', role: 'admin' as const };

function slackIdOf(dbPath: string, name: string): string | null {
  const db = openReadOnly(dbPath);
  try {
    return db.prepare('SELECT slack_user_id FROM users WHERE name = ?').pluck().get(name) as
      string | null;
  } finally {
    db.close();
  }
}

describe('identity by email', () => {
  it('looks an unlinked user up by email, acts as them, and stores the link', async () => {
    kit = await startSlackTestServer();
    const { runway } = kit.server;
    // erin first: Slack knows no one by her email, so the bot looks on and finds dora.
    runway.auth.createToken({ name: 'erin', role: 'operator', email: 'erin@example.com' }, ADMIN);
    runway.auth.createToken({ name: 'dora', role: 'operator', email: 'Dora@Example.com' }, ADMIN);
    kit.stub.usersByEmail.set('dora@example.com', 'U0DORA');
    await kit.server.client(kit.server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('dora-target')],
    });
    runway.scheduler.tick();

    const sent = await kit.command('pause dora-target checkout errors', 'U0DORA');
    const answer = await kit.answer(sent.responsePath);
    expect(answer['response_type']).toBe('in_channel');
    expect(runway.experimentStore.get('dora-target')?.state).toBe('paused');
    expect(
      runway.audit.list({ action: 'experiment.pause', experimentKey: 'dora-target', limit: 1 })[0],
    ).toMatchObject({ actor: 'dora' });

    // Linked, and audited like `runway user link`, by Runway's Slack side.
    expect(slackIdOf(kit.server.dbPath, 'dora')).toBe('U0DORA');
    expect(slackIdOf(kit.server.dbPath, 'erin')).toBeNull();
    expect(runway.audit.list({ action: 'user.link', limit: 1 })[0]).toMatchObject({
      actor: 'runway:slack',
      details: { user: 'dora', slackUserId: 'U0DORA' },
    });
    const lookups = kit.stub.callsTo('users.lookupByEmail');
    expect(lookups.map((call) => call.args['email']).sort()).toEqual([
      'Dora@Example.com',
      'erin@example.com',
    ]);
    expect(lookups.every((call) => call.token === 'xoxb-test')).toBe(true);

    // The next request is answered from the stored link: no lookup at all.
    const again = await kit.command('status dora-target', 'U0DORA');
    expect(answerText(await kit.answer(again.responsePath))).toContain('paused');
    expect(kit.stub.callsTo('users.lookupByEmail')).toHaveLength(lookups.length);
  });

  it('refuses when the email lookup fails, saying how to get linked, and links nobody', async () => {
    kit = await startSlackTestServer();
    kit.server.runway.auth.createToken(
      { name: 'faye', role: 'operator', email: 'faye@example.com' },
      ADMIN,
    );
    kit.stub.usersByEmail.set('faye@example.com', 'U0FAYE');
    kit.stub.fail('users.lookupByEmail', { status: 500 });
    const sent = await kit.command('list', 'U0FAYE');
    const answer = await kit.answer(sent.responsePath);
    expect(answer['response_type']).toBe('ephemeral');
    expect(answerText(answer)).toContain('could not look it up by email');
    expect(answerText(answer)).toContain('runway user link YOUR_RUNWAY_NAME --slack U0FAYE');
    expect(slackIdOf(kit.server.dbPath, 'faye')).toBeNull();
  });
});

describe('page buttons', () => {
  it('acknowledges a page as the clicking user, once', async () => {
    kit = await startSlackTestServer();
    const { runway } = kit.server;
    await kit.server.client(kit.server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('paged-one')],
    });
    runway.scheduler.tick();
    const rolled = await kit.command('rollback paged-one conversion dropped', SLACK_USERS.alice);
    await kit.answer(rolled.responsePath);
    const page = runway.pages.list(ADMIN, { experimentKey: 'paged-one' })[0];
    expect(page).toMatchObject({ kind: 'rollback', acknowledgedBy: null });

    const value = encodePageValue({ pageId: page!.id });
    const byVic = await kit.click(SLACK_ACTION_IDS.pageAck, value, SLACK_USERS.vic);
    expect(answerText(await kit.answer(byVic.responsePath))).toContain('*operator* role');
    expect(runway.pages.list(ADMIN, { experimentKey: 'paged-one' })[0]?.acknowledgedBy).toBeNull();

    const byBob = await kit.click(SLACK_ACTION_IDS.pageAck, value, SLACK_USERS.bob);
    const answer = await kit.answer(byBob.responsePath);
    expect(answer['response_type']).toBe('in_channel');
    expect(answerText(answer)).toContain('*bob* acknowledged the page for `paged-one`');
    expect(runway.pages.list(ADMIN, { experimentKey: 'paged-one' })[0]?.acknowledgedBy).toBe('bob');
    expect(runway.audit.list({ action: 'page.acknowledge', limit: 5 })).toMatchObject([
      { actor: 'bob', experimentKey: 'paged-one' },
    ]);

    // A second person's click finds it acknowledged and says by whom; nothing is recorded.
    const byCarol = await kit.click(SLACK_ACTION_IDS.pageAck, value, SLACK_USERS.carol);
    const late = await kit.answer(byCarol.responsePath);
    expect(late['response_type']).toBe('ephemeral');
    expect(answerText(late)).toContain('already acknowledged by *bob*');
    expect(runway.audit.count({ action: 'page.acknowledge' })).toBe(1);
  });

  it('only acknowledges the click of an Open in console link button', async () => {
    kit = await startSlackTestServer();
    const clicked = await kit.click(SLACK_ACTION_IDS.openConsole, undefined, SLACK_USERS.vic);
    expect(clicked.status).toBe(200);
    const later = await kit.command('help', SLACK_USERS.vic);
    await kit.answer(later.responsePath);
    expect(kit.answersTo(clicked.responsePath)).toEqual([]);
  });
});
