import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManualClock } from '../../server/src/clock';
import { auditRows, fingerprint, openForTampering, openReadOnly } from '../support/db-inspect';
import { startTestServer, type RunwayClient, type TestServer } from '../support/harness';
import { expectClientError } from '../support/http-calls';
import { oneStageSpec, scenarioClock, tick, tickUntil } from '../support/scenario';

// DESIGN §4 "Rollback cascades": rolling back X first rolls back every live experiment that
// requires X, directly or transitively, dependents before prerequisites, in one transaction; each
// audit entry names X as the cause; the blast radius says exactly that before acting.
//
// The graph (an arrow points from a dependent to what it requires):
//
//     c -> b -> a        a chain
//     e -> b, e -> d -> a   a diamond a <- {b, d} <- e
//     q -> c             queued: c is still running, so q cannot start
//     z                  unrelated, completed
//
// Live states before the rollback: a, b, d, z completed; c running; e paused; q queued.

let server: TestServer;
let clock: ManualClock;
let alice: RunwayClient;
let bob: RunwayClient;

const REQUIRES: Record<string, string[]> = {
  a: [],
  b: ['a'],
  c: ['b'],
  d: ['a'],
  e: ['b', 'd'],
  q: ['c'],
  z: [],
};
const key = (name: string): string => `cascade-${name}`;

beforeEach(async () => {
  clock = scenarioClock();
  server = await startTestServer({ clock });
  alice = server.client(server.tokens.alice);
  bob = server.client(server.tokens.bob);
});
afterEach(async () => server.stop());

async function stateOf(
  name: string,
): Promise<{ state: string; version: number; blockedReasons: Array<{ message: string }> }> {
  return alice.experiments.get.query({ key: key(name) });
}

/** Enqueues the graph and drives the scheduler (and the clock) until every live state is reached. */
async function buildGraph(): Promise<void> {
  for (const name of ['a', 'b', 'c', 'd', 'e', 'q', 'z']) {
    await alice.experiments.enqueue.mutate({
      specs: [oneStageSpec(key(name), { requires: REQUIRES[name]!.map(key) })],
    });
  }
  await tickUntil(
    bob,
    clock,
    async () =>
      (await stateOf('c')).state === 'running' && (await stateOf('e')).state === 'running',
  );
  const e = await stateOf('e');
  await alice.experiments.pause.mutate({
    key: key('e'),
    expectedVersion: e.version,
    reason: 'looking at e',
  });
  const states = Object.fromEntries(
    await Promise.all(
      Object.keys(REQUIRES).map(async (name) => [name, (await stateOf(name)).state]),
    ),
  );
  expect(states).toEqual({
    a: 'completed',
    b: 'completed',
    c: 'running',
    d: 'completed',
    e: 'paused',
    q: 'queued',
    z: 'completed',
  });
}

function maxAuditSeq(): number {
  const db = openReadOnly(server.dbPath);
  try {
    return db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number;
  } finally {
    db.close();
  }
}

const EXPECTED_RADIUS_OF_A = [
  { key: key('c'), state: 'running', via: key('b') },
  { key: key('e'), state: 'paused', via: key('b') },
  { key: key('b'), state: 'completed', via: key('a') },
  { key: key('d'), state: 'completed', via: key('a') },
  { key: key('a'), state: 'completed', via: null },
];

describe('rolling back a prerequisite', () => {
  it('names the blast radius exactly, then takes down dependents first, in one audited transaction', async () => {
    await buildGraph();

    // ---- before acting: the blast radius, exactly the set and the order ---------------------
    expect(await alice.experiments.blastRadius.query({ key: key('a') })).toEqual(
      EXPECTED_RADIUS_OF_A,
    );
    expect(await alice.experiments.blastRadius.query({ key: key('b') })).toEqual([
      { key: key('c'), state: 'running', via: key('b') },
      { key: key('e'), state: 'paused', via: key('b') },
      { key: key('b'), state: 'completed', via: null },
    ]);
    expect(await alice.experiments.blastRadius.query({ key: key('d') })).toEqual([
      { key: key('e'), state: 'paused', via: key('d') },
      { key: key('d'), state: 'completed', via: null },
    ]);
    // Asking changes nothing.
    const untouched = fingerprint(server.dbPath);

    // ---- all or nothing: a stale version of the target refuses the whole cascade -------------
    const a = await stateOf('a');
    const stale = await expectClientError(
      alice.experiments.rollback.mutate({
        key: key('a'),
        expectedVersion: a.version - 1,
        reason: 'stale',
      }),
    );
    expect(stale.code).toBe('VERSION_CONFLICT');
    expect(fingerprint(server.dbPath)).toEqual(untouched);

    // ---- all or nothing: a failure after the dependents were written undoes them too --------
    // A trigger makes the very last write of the cascade (the target itself) fail.
    const tamper = openForTampering(server.dbPath);
    tamper.exec(`CREATE TRIGGER fail_target_rollback BEFORE UPDATE OF state ON experiments
      WHEN NEW.key = '${key('a')}' AND NEW.state = 'rolled_back' BEGIN SELECT RAISE(ABORT, 'injected storage fault'); END`);
    const withTrigger = fingerprint(server.dbPath);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const failed = await expectClientError(
        alice.experiments.rollback.mutate({
          key: key('a'),
          expectedVersion: a.version,
          reason: 'will fail',
        }),
      );
      expect(failed.code).toBe('INTERNAL');
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      tamper.exec('DROP TRIGGER fail_target_rollback');
      tamper.close();
    }
    expect(fingerprint(server.dbPath)).toEqual(withTrigger);
    for (const name of ['c', 'e', 'b', 'd'])
      expect((await stateOf(name)).state).not.toBe('rolled_back');

    // ---- the rollback ------------------------------------------------------------------------
    const beforeSeq = maxAuditSeq();
    const result = await alice.experiments.rollback.mutate({
      key: key('a'),
      expectedVersion: a.version,
      reason: 'payments incident',
    });
    const order = EXPECTED_RADIUS_OF_A.map((entry) => entry.key);
    expect(result.changed.map((change) => [change.key, change.fromState, change.toState])).toEqual(
      EXPECTED_RADIUS_OF_A.map((entry) => [entry.key, entry.state, 'rolled_back']),
    );

    // One audit row each, contiguous (one transaction), in blast-radius order, each naming a.
    const audit = auditRows(server.dbPath, { afterSeq: beforeSeq });
    expect(audit.map((row) => row.seq)).toEqual(order.map((_, index) => beforeSeq + 1 + index));
    expect(audit.map((row) => row.experiment_key)).toEqual(order);
    for (const row of audit) {
      expect(row.action).toBe('experiment.rollback');
      expect(row.to_state).toBe('rolled_back');
      expect(row.actor).toBe('alice');
      if (row.experiment_key === key('a')) {
        expect(row.cause).toBeNull();
        expect(row.reason).toBe('payments incident');
      } else {
        expect(row.cause).toBe(key('a'));
        expect(row.reason).toBe(`cascade from ${key('a')}: payments incident`);
      }
    }
    // Dependents before prerequisites, for every requires edge inside the cascade.
    const seqOf = new Map(audit.map((row) => [row.experiment_key!, row.seq]));
    for (const [dependent, prerequisites] of Object.entries(REQUIRES)) {
      for (const prerequisite of prerequisites) {
        if (seqOf.has(key(dependent)))
          expect(seqOf.get(key(dependent))!).toBeLessThan(seqOf.get(key(prerequisite))!);
      }
    }
    // Every experiment of the cascade pages its owner once, naming the cause.
    const db = openReadOnly(server.dbPath);
    try {
      const pages = db
        .prepare("SELECT payload_json FROM outbox WHERE topic = 'page.rollback' ORDER BY id")
        .pluck()
        .all() as string[];
      expect(
        pages.map(
          (payload) => JSON.parse(payload) as { experimentKey: string; cause: string | null },
        ),
      ).toEqual(
        order.map((experimentKey) =>
          expect.objectContaining({
            experimentKey,
            cause: experimentKey === key('a') ? null : key('a'),
          }),
        ),
      );
    } finally {
      db.close();
    }

    // ---- afterwards ----------------------------------------------------------------------------
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      expect((await stateOf(name)).state).toBe('rolled_back');
    // The queued dependent is not rolled back; it is blocked, and says why it can never start.
    const q = await stateOf('q');
    expect(q.state).toBe('queued');
    expect(q.blockedReasons.map((reason) => reason.message)).toContain(
      `requires ${key('c')} (rolled_back: it can never complete)`,
    );
    await tick(bob);
    expect((await stateOf('q')).state).toBe('queued');
    expect((await stateOf('z')).state).toBe('completed');
    expect(await alice.audit.verify.query()).toMatchObject({ ok: true });
  });

  it('rolling back a middle node takes its dependents only, not its prerequisites or siblings', async () => {
    await buildGraph();
    const b = await stateOf('b');
    const beforeSeq = maxAuditSeq();
    const result = await alice.experiments.rollback.mutate({
      key: key('b'),
      expectedVersion: b.version,
      reason: 'b is broken',
    });
    expect(result.changed.map((change) => change.key)).toEqual([key('c'), key('e'), key('b')]);
    const audit = auditRows(server.dbPath, { afterSeq: beforeSeq });
    expect(audit.map((row) => [row.experiment_key, row.cause])).toEqual([
      [key('c'), key('b')],
      [key('e'), key('b')],
      [key('b'), null],
    ]);
    expect((await stateOf('a')).state).toBe('completed');
    expect((await stateOf('d')).state).toBe('completed');
    // e required d too; d stays live, but e is gone with b.
    expect((await stateOf('e')).state).toBe('rolled_back');
    expect((await stateOf('q')).blockedReasons.map((reason) => reason.message)).toContain(
      `requires ${key('c')} (rolled_back: it can never complete)`,
    );
    // Nothing live is left that requires b, so a's radius is now a, d only.
    expect(await alice.experiments.blastRadius.query({ key: key('a') })).toEqual([
      { key: key('d'), state: 'completed', via: key('a') },
      { key: key('a'), state: 'completed', via: null },
    ]);
  });
});
