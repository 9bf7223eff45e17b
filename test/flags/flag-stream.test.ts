// flags.changes: the real server, the real tRPC client with its SSE link, a viewer's token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagChangeEvent } from '../../shared/src/api-types';
import type { ManualClock } from '../../server/src/clock';
import { makeSpec, startTestServer, type RunwayClient, type TestServer } from '../support/harness';
import { oneStageSpec, scenarioClock, tickUntil } from '../support/scenario';

let server: TestServer;
let clock: ManualClock;
let alice: RunwayClient;
let bob: RunwayClient;

beforeEach(async () => {
  clock = scenarioClock();
  server = await startTestServer({ clock });
  alice = server.client(server.tokens.alice);
  bob = server.client(server.tokens.bob);
});
afterEach(async () => server.stop());

interface Collected {
  events: Array<{ id: string; data: FlagChangeEvent }>;
  /** Resolves once `count` events have arrived (the subscription is then closed). */
  done: Promise<Array<{ id: string; data: FlagChangeEvent }>>;
}

/** Subscribes as `token` and collects `count` events, or fails after a timeout. */
function collect(
  token: string,
  count: number,
  input?: { lastEventId?: string; keys?: string[] },
): Collected {
  const events: Collected['events'] = [];
  const done = new Promise<Collected['events']>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`timed out with ${events.length}/${count} flag changes`));
    }, 10_000);
    const subscription = server.client(token).flags.changes.subscribe(input, {
      onData: (event) => {
        events.push(event);
        if (events.length === count) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(events);
        }
      },
      onError: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
  return { events, done };
}

/** The audit head: subscribing from it means nothing is missed however long the connection takes. */
async function head(): Promise<string> {
  const [last] = await alice.audit.list.query({ limit: 1 });
  return String(last?.seq ?? 0);
}

async function version(key: string): Promise<number> {
  return (await alice.experiments.get.query({ key })).version;
}

describe('flags.changes', () => {
  it('streams a ramp with its new percent, and pause and resume as state changes (to a viewer)', async () => {
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('ramp-me')] });
    const stream = collect(server.tokens.vic, 4, { lastEventId: await head() });
    await bob.scheduler.tick.mutate();
    await bob.experiments.advance.mutate({
      key: 'ramp-me',
      expectedVersion: await version('ramp-me'),
      reason: 'healthy',
    });
    await alice.experiments.pause.mutate({
      key: 'ramp-me',
      expectedVersion: await version('ramp-me'),
      reason: 'checking a dashboard',
    });
    await alice.experiments.resume.mutate({
      key: 'ramp-me',
      expectedVersion: await version('ramp-me'),
    });
    const events = await stream.done;
    expect(events.map(({ data }) => [data.state, data.percent, data.variantForAll])).toEqual([
      ['running', 10, null],
      ['running', 50, null],
      ['paused', 50, null],
      ['running', 50, null],
    ]);
    // Versions are the experiment's own (enqueue was 1), event ids are the audit seqs.
    expect(events.map(({ data }) => data.version)).toEqual([2, 3, 4, 5]);
    for (const { id, data } of events) expect(id).toBe(String(data.seq));
    const audit = await alice.audit.list.query({ experimentKey: 'ramp-me', limit: 10 });
    expect(events.map(({ data }) => data.seq)).toEqual(
      audit
        .filter((row) => row.action !== 'experiment.enqueue')
        .map((row) => row.seq)
        .reverse(),
    );
    expect(events.every(({ data }) => data.key === 'ramp-me' && data.at === clock.now())).toBe(
      true,
    );
  });

  it('streams one control-for-everyone event per experiment a cascading rollback takes down', async () => {
    // c requires b requires a; a and b complete (one-stage specs), c is running.
    for (const [name, requires] of [
      ['a', []],
      ['b', ['a']],
      ['c', ['b']],
    ] as const) {
      await alice.experiments.enqueue.mutate({
        specs: [oneStageSpec(`cascade-${name}`, { requires: requires.map((r) => `cascade-${r}`) })],
      });
    }
    await tickUntil(
      bob,
      clock,
      async () => (await alice.experiments.get.query({ key: 'cascade-c' })).state === 'running',
    );
    const stream = collect(server.tokens.vic, 3, { lastEventId: await head() });
    const result = await alice.experiments.rollback.mutate({
      key: 'cascade-a',
      expectedVersion: await version('cascade-a'),
      reason: 'error rate doubled',
    });
    const events = (await stream.done).map(({ data }) => data);
    expect(
      events.map(({ key, state, percent, variantForAll }) => ({
        key,
        state,
        percent,
        variantForAll,
      })),
    ).toEqual([
      { key: 'cascade-c', state: 'rolled_back', percent: 0, variantForAll: 'control' },
      { key: 'cascade-b', state: 'rolled_back', percent: 0, variantForAll: 'control' },
      { key: 'cascade-a', state: 'rolled_back', percent: 0, variantForAll: 'control' },
    ]);
    expect(events.map(({ key, version }) => ({ key, version }))).toEqual(
      result.changed.map(({ key, version }) => ({ key, version })),
    );
    // One transaction: one commit time, consecutive seqs.
    expect(new Set(events.map((event) => event.at)).size).toBe(1);
    expect(events[1]!.seq - events[0]!.seq).toBe(1);
    expect(events[2]!.seq - events[1]!.seq).toBe(1);
  });

  it('sends only changes to what flags serve: no enqueue, approval, or abort of a queued experiment', async () => {
    const stream = collect(server.tokens.vic, 2, { lastEventId: await head() });
    const gated = [
      { percent: 10, hold: '10m' },
      { percent: 50, hold: '10m', approve: true },
    ];
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('never-runs'), makeSpec('done', { stages: gated })],
    });
    await bob.experiments.abort.mutate({
      key: 'never-runs',
      expectedVersion: await version('never-runs'),
      reason: 'not needed',
    });
    await bob.scheduler.tick.mutate();
    await bob.experiments.approve.mutate({
      key: 'done',
      expectedVersion: await version('done'),
      reason: 'stage 2 is fine by me',
    });
    await bob.experiments.abort.mutate({
      key: 'done',
      expectedVersion: await version('done'),
      reason: 'wrong layer',
    });
    const events = (await stream.done).map(({ data }) => data);
    expect(events.map(({ key, state, variantForAll }) => [key, state, variantForAll])).toEqual([
      ['done', 'running', null],
      ['done', 'aborted', 'control'],
    ]);
    // The approval still counted as a version: start 2, approve 3, abort 4.
    expect(events.map((event) => event.version)).toEqual([2, 4]);
  });

  it('replays what a reconnecting client missed, then goes on live; keys narrow the stream', async () => {
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('seen'), makeSpec('missed-1'), makeSpec('missed-2')],
    });
    const first = collect(server.tokens.vic, 1, { lastEventId: await head() });
    await bob.scheduler.tick.mutate(); // starts all three, in one transaction
    // The first client took one event and disconnected; the others committed meanwhile.
    const [seen] = await first.done;
    expect(seen!.data.key).toBe('seen');
    const started = await alice.audit.list.query({ action: 'experiment.start', limit: 10 });
    expect(started).toHaveLength(3);

    const resumed = collect(server.tokens.vic, 3, { lastEventId: seen!.id });
    await alice.experiments.pause.mutate({
      key: 'seen',
      expectedVersion: await version('seen'),
      reason: 'later',
    });
    const replayed = (await resumed.done).map(({ data }) => [data.key, data.state]);
    expect(replayed).toEqual([
      ['missed-1', 'running'],
      ['missed-2', 'running'],
      ['seen', 'paused'],
    ]);

    const narrowed = collect(server.tokens.vic, 1, { lastEventId: seen!.id, keys: ['missed-2'] });
    expect((await narrowed.done).map(({ data }) => [data.key, data.state])).toEqual([
      ['missed-2', 'running'],
    ]);
  });

  it('refuses a subscription without a valid token, and a lastEventId it never sent', async () => {
    await expect(collect('not-a-token', 1).done).rejects.toThrow(/unknown or revoked token/);
    await expect(collect(server.tokens.vic, 1, { lastEventId: 'yesterday' }).done).rejects.toThrow(
      /lastEventId/,
    );
  });
});
