import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../server/src/clock';
import { auditRows, openReadOnly } from '../support/db-inspect';
import { startTestServer, type RunwayClient, type TestServer } from '../support/harness';
import { clientErrorOf } from '../support/http-calls';
import { enqueueAndStart, oneStageSpec, scenarioClock, tickUntil } from '../support/scenario';

// DESIGN §3: every mutation carries the expected version; a stale one is refused with a conflict,
// never silently applied, and a refused mutation leaves no trace.

let server: TestServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = scenarioClock();
  server = await startTestServer({ clock });
});
afterEach(async () => server.stop());

type Mutation = 'pause' | 'rollback' | 'resume' | 'abort';

function mutate(
  client: RunwayClient,
  mutation: Mutation,
  key: string,
  expectedVersion: number,
  reason: string,
): Promise<unknown> {
  switch (mutation) {
    case 'pause':
      return client.experiments.pause.mutate({ key, expectedVersion, reason });
    case 'rollback':
      return client.experiments.rollback.mutate({ key, expectedVersion, reason });
    case 'resume':
      return client.experiments.resume.mutate({ key, expectedVersion, reason });
    case 'abort':
      return client.experiments.abort.mutate({ key, expectedVersion, reason });
  }
}

interface RaceOutcome {
  winners: Array<{ index: number; mutation: Mutation }>;
  losers: Array<{ index: number; code: string | undefined; httpStatus: number | undefined }>;
}

/** Fires every mutation at once, each from its own client, all with the same expected version. */
async function race(
  key: string,
  version: number,
  entrants: Array<{ token: string; mutation: Mutation }>,
): Promise<RaceOutcome> {
  const settled = await Promise.allSettled(
    entrants.map(({ token, mutation }, index) =>
      mutate(server.client(token), mutation, key, version, `racer ${index}`),
    ),
  );
  const outcome: RaceOutcome = { winners: [], losers: [] };
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled')
      outcome.winners.push({ index, mutation: entrants[index]!.mutation });
    else {
      const { code, httpStatus } = clientErrorOf(result.reason);
      outcome.losers.push({ index, code, httpStatus });
    }
  });
  return outcome;
}

function historyAfter(
  key: string,
  afterId: number,
): Array<{ id: number; event: string; to_state: string }> {
  const db = openReadOnly(server.dbPath);
  try {
    return db
      .prepare(
        'SELECT id, event, to_state FROM stage_history WHERE experiment_key = ? AND id > ? ORDER BY id',
      )
      .all(key, afterId) as Array<{
      id: number;
      event: string;
      to_state: string;
    }>;
  } finally {
    db.close();
  }
}

function lastHistoryId(): number {
  const db = openReadOnly(server.dbPath);
  try {
    return db.prepare('SELECT COALESCE(MAX(id), 0) FROM stage_history').pluck().get() as number;
  } finally {
    db.close();
  }
}

function auditHeadSeq(): number {
  const db = openReadOnly(server.dbPath);
  try {
    return db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number;
  } finally {
    db.close();
  }
}

function outboxRollbackPages(key: string): number {
  const db = openReadOnly(server.dbPath);
  try {
    return db
      .prepare("SELECT COUNT(*) FROM outbox WHERE topic = 'page.rollback' AND dedupe_key = ?")
      .pluck()
      .get(`rollback:${key}`) as number;
  } finally {
    db.close();
  }
}

const STATE_AFTER: Record<Mutation, string> = {
  pause: 'paused',
  rollback: 'rolled_back',
  resume: 'running',
  abort: 'aborted',
};

async function expectExactlyOneApplied(
  key: string,
  version: number,
  outcome: RaceOutcome,
  since: { historyId: number; auditSeq: number },
): Promise<Mutation> {
  expect(outcome.winners).toHaveLength(1);
  expect(
    outcome.losers.every((loser) => loser.code === 'VERSION_CONFLICT' && loser.httpStatus === 409),
    JSON.stringify(outcome.losers),
  ).toBe(true);
  const winner = outcome.winners[0]!.mutation;

  const now = await server.client(server.tokens.vic).experiments.get.query({ key });
  expect(now).toMatchObject({ state: STATE_AFTER[winner], version: version + 1 });
  // Exactly one transition and one audit row, both the winner's; nothing of any loser.
  expect(historyAfter(key, since.historyId).map((row) => [row.event, row.to_state])).toEqual([
    [winner, STATE_AFTER[winner]],
  ]);
  const audit = auditRows(server.dbPath, { afterSeq: since.auditSeq });
  expect(audit.map((row) => [row.action, row.experiment_key, row.to_state])).toEqual([
    [`experiment.${winner}`, key, STATE_AFTER[winner]],
  ]);
  expect(audit[0]!.reason).toBe(`racer ${outcome.winners[0]!.index}`);
  expect(outboxRollbackPages(key)).toBe(winner === 'rollback' ? 1 : 0);
  expect(await server.client(server.tokens.vic).audit.verify.query()).toMatchObject({ ok: true });
  return winner;
}

describe('two clients, one expected version', () => {
  it('pause against rollback: exactly one wins, the other gets VERSION_CONFLICT, nothing half-applied', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    const version = await enqueueAndStart(alice, bob, 'race-pause-rollback');
    const since = { historyId: lastHistoryId(), auditSeq: auditHeadSeq() };

    const outcome = await race('race-pause-rollback', version, [
      { token: server.tokens.alice, mutation: 'pause' },
      { token: server.tokens.bob, mutation: 'rollback' },
    ]);
    await expectExactlyOneApplied('race-pause-rollback', version, outcome, since);
  });

  it('two pauses: one pauses, the other is refused and writes nothing', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    const version = await enqueueAndStart(alice, bob, 'race-two-pauses');
    const since = { historyId: lastHistoryId(), auditSeq: auditHeadSeq() };

    const outcome = await race('race-two-pauses', version, [
      { token: server.tokens.alice, mutation: 'pause' },
      { token: server.tokens.carol, mutation: 'pause' },
    ]);
    expect(await expectExactlyOneApplied('race-two-pauses', version, outcome, since)).toBe('pause');
  });

  it('fifty mutations of every kind at one version: one success, forty-nine conflicts', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    const version = await enqueueAndStart(alice, bob, 'race-fifty');
    const since = { historyId: lastHistoryId(), auditSeq: auditHeadSeq() };
    const kinds: Mutation[] = ['pause', 'rollback', 'abort'];
    const tokens = [server.tokens.alice, server.tokens.bob, server.tokens.carol];

    const outcome = await race(
      'race-fifty',
      version,
      Array.from({ length: 50 }, (_, index) => ({
        token: kinds[index % 3] === 'abort' ? server.tokens.bob : tokens[index % tokens.length]!,
        mutation: kinds[index % 3]!,
      })),
    );
    expect(outcome.losers).toHaveLength(49);
    await expectExactlyOneApplied('race-fifty', version, outcome, since);
  });
});

describe('many racing clients that retry on conflict', () => {
  it('yields exactly one successful mutation per version, in an unbroken chain', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    const key = 'race-retrying';
    const startVersion = await enqueueAndStart(alice, bob, key);
    const since = { historyId: lastHistoryId(), auditSeq: auditHeadSeq() };
    const tokens = [server.tokens.alice, server.tokens.bob, server.tokens.carol];

    const successes: Array<{
      worker: number;
      mutation: Mutation;
      fromVersion: number;
      toVersion: number;
    }> = [];
    const refusals: string[] = [];
    // 50 workers, 4 attempts each: read the experiment, toggle it (pause if running, resume if
    // paused) at the version read. Every attempt races the other 49.
    await Promise.all(
      Array.from({ length: 50 }, async (_, worker) => {
        const client = server.client(tokens[worker % tokens.length]!);
        for (let attempt = 0; attempt < 4; attempt++) {
          const current = await client.experiments.get.query({ key });
          const mutation: Mutation = current.state === 'running' ? 'pause' : 'resume';
          try {
            const result = (await mutate(
              client,
              mutation,
              key,
              current.version,
              `worker ${worker} attempt ${attempt}`,
            )) as {
              changed: Array<{ key: string; version: number }>;
            };
            expect(result.changed).toHaveLength(1);
            successes.push({
              worker,
              mutation,
              fromVersion: current.version,
              toVersion: result.changed[0]!.version,
            });
          } catch (error) {
            const { code } = clientErrorOf(error);
            if (code !== 'VERSION_CONFLICT')
              refusals.push(`${mutation}@${current.version}: ${code}`);
          }
        }
      }),
    );

    expect(refusals).toEqual([]);
    expect(successes.length).toBeGreaterThan(1);
    // One success per version: the versions won form exactly startVersion+1 .. startVersion+n.
    const won = successes.map((success) => success.fromVersion).sort((a, b) => a - b);
    expect(won).toEqual(
      Array.from({ length: successes.length }, (_, index) => startVersion + index),
    );
    for (const success of successes) expect(success.toVersion).toBe(success.fromVersion + 1);

    const final = await alice.experiments.get.query({ key });
    expect(final.version).toBe(startVersion + successes.length);
    expect(final.state).toBe(successes.length % 2 === 0 ? 'running' : 'paused');

    // The database holds exactly those transitions, alternating, each audited once.
    const history = historyAfter(key, since.historyId);
    expect(history).toHaveLength(successes.length);
    history.forEach((row, index) => expect(row.event).toBe(index % 2 === 0 ? 'pause' : 'resume'));
    const audit = auditRows(server.dbPath, { afterSeq: since.auditSeq });
    expect(audit).toHaveLength(successes.length);
    audit.forEach((row, index) =>
      expect(row.action).toBe(index % 2 === 0 ? 'experiment.pause' : 'experiment.resume'),
    );
    const mutationsInOrder = [...successes]
      .sort((a, b) => a.fromVersion - b.fromVersion)
      .map((success) => `${success.mutation}`);
    expect(audit.map((row) => row.action)).toEqual(
      mutationsInOrder.map((mutation) => `experiment.${mutation}`),
    );
    expect(await alice.audit.verify.query()).toMatchObject({ ok: true });
  });
});

describe('a cascade racing a change to one of its dependents', () => {
  it('either applies the dependent change first and then rolls it back, or refuses it; never half of both', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    await alice.experiments.enqueue.mutate({ specs: [oneStageSpec('race-base')] });
    await alice.experiments.enqueue.mutate({
      specs: [oneStageSpec('race-dependent', { requires: ['race-base'] })],
    });
    await tickUntil(
      bob,
      clock,
      async () =>
        (await alice.experiments.get.query({ key: 'race-dependent' })).state === 'running',
    );
    const base = await alice.experiments.get.query({ key: 'race-base' });
    const dependent = await alice.experiments.get.query({ key: 'race-dependent' });
    expect([base.state, dependent.state]).toEqual(['completed', 'running']);
    const since = auditHeadSeq();

    const [rollback, pause] = await Promise.allSettled([
      server.client(server.tokens.alice).experiments.rollback.mutate({
        key: 'race-base',
        expectedVersion: base.version,
        reason: 'base broke',
      }),
      server.client(server.tokens.carol).experiments.pause.mutate({
        key: 'race-dependent',
        expectedVersion: dependent.version,
        reason: 'looks odd',
      }),
    ]);
    // The rollback of the prerequisite reloads its dependents inside its transaction, so it wins
    // whatever the order; the pause either went first or is refused as stale.
    expect(rollback.status).toBe('fulfilled');
    const audit = auditRows(server.dbPath, { afterSeq: since }).map((row) => [
      row.action,
      row.experiment_key,
      row.from_state,
      row.cause,
    ]);
    if (pause.status === 'fulfilled') {
      expect(audit).toEqual([
        ['experiment.pause', 'race-dependent', 'running', null],
        ['experiment.rollback', 'race-dependent', 'paused', 'race-base'],
        ['experiment.rollback', 'race-base', 'completed', null],
      ]);
    } else {
      expect(clientErrorOf(pause.reason).code).toBe('VERSION_CONFLICT');
      expect(audit).toEqual([
        ['experiment.rollback', 'race-dependent', 'running', 'race-base'],
        ['experiment.rollback', 'race-base', 'completed', null],
      ]);
    }
    expect((await alice.experiments.get.query({ key: 'race-dependent' })).state).toBe(
      'rolled_back',
    );
    expect((await alice.experiments.get.query({ key: 'race-base' })).state).toBe('rolled_back');
    expect(await alice.audit.verify.query()).toMatchObject({ ok: true });
  });
});
