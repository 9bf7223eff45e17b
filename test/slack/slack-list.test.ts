import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATES } from '../../bot/src/command-parser';
import { LIST_LIMIT } from '../../bot/src/experiment-messages';
import { makeSpec } from '../support/harness';
import {
  answerText,
  SLACK_USERS,
  startSlackTestServer,
  type SlackTestServer,
} from './slack-test-kit';

// `/runway list` on a queue longer than one answer: the first LIST_LIMIT experiments in queue
// order, the true count, and how many more there are. The server builds only the views it shows.

let kit: SlackTestServer;

beforeAll(async () => {
  kit = await startSlackTestServer();
});

afterAll(async () => {
  await kit.stop();
});

describe('/runway list on a long queue', () => {
  it('shows the first experiments in queue order, counts all of them, and says how many more', async () => {
    const keys = Array.from({ length: LIST_LIMIT + 5 }, (_, index) => `long-queue-${index + 100}`);
    const alice = kit.server.client(kit.server.tokens.alice);
    // Each waits on the one before it, so none starts and the order is the queue's.
    await alice.experiments.enqueue.mutate({
      specs: keys.map((key, index) =>
        makeSpec(key, index === 0 ? {} : { requires: [keys[index - 1]!] }),
      ),
    });
    const open = kit.server.runway.experimentStore.count({
      states: OPEN_STATES,
    });
    expect(open).toBeGreaterThanOrEqual(keys.length);

    const sent = await kit.command('list', SLACK_USERS.vic);
    expect(sent).toMatchObject({ status: 200, text: '' });
    const text = answerText(await kit.answer(sent.responsePath));
    expect(text).toContain(`*${open} open experiments*`);
    const listed = [...text.matchAll(/`([a-z0-9-]+)` \*/g)].map((match) => match[1]);
    expect(listed).toHaveLength(LIST_LIMIT);
    const inQueueOrder = kit.server.runway.experimentStore
      .list({ states: OPEN_STATES })
      .map((row) => row.key);
    expect(listed).toEqual(inQueueOrder.slice(0, LIST_LIMIT));
    expect(text).toContain(`…and ${open - LIST_LIMIT} more: see the console or \`runway list\``);
  });
});
