import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../server/src/audit/audit-service';
import { useConnection, type ConnectionStatus } from '../../renderer/src/app/connection-store';
import {
  connectLiveChanges,
  subscribeLiveChanges,
  type LiveChange,
} from '../../renderer/src/app/live-changes';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// The console's one live stream (queue.changes over SSE) against the real server: what it
// publishes, how it reports the connection, and how it catches up after the connection drops.

let server: TestServer;
let cleanups: Array<() => void> = [];
let received: LiveChange[] = [];
let statuses: ConnectionStatus[] = [];
let wakeups: Array<() => void> = [];

beforeEach(async () => {
  server = await startTestServer();
  received = [];
  statuses = [];
  wakeups = [];
  useConnection.setState({ status: 'connecting', lostAtMs: null, lastProblem: null });
  cleanups = [
    useConnection.subscribe((state) => {
      if (statuses.at(-1) !== state.status) statuses.push(state.status);
      for (const wake of [...wakeups]) wake();
    }),
    subscribeLiveChanges((change) => {
      received.push(change);
      for (const wake of [...wakeups]) wake();
    }),
  ];
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) cleanup();
  await server.stop();
});

/** Resolves once `condition` holds, re-checked on every event and status change. */
function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!condition()) return;
      clearTimeout(timer);
      wakeups = wakeups.filter((wake) => wake !== check);
      resolve();
    };
    const timer = setTimeout(() => {
      wakeups = wakeups.filter((wake) => wake !== check);
      reject(new Error(`timed out waiting for ${what}; statuses ${statuses.join(' > ')}`));
    }, timeoutMs);
    wakeups.push(check);
    check();
  });
}

const resyncs = (): number => received.filter((change) => change.kind === 'resync').length;
const changedKeys = (): Array<string | null> =>
  received.flatMap((change) => (change.kind === 'change' ? [change.entry.experimentKey] : []));

describe('the live change stream', () => {
  it('goes online, asks views to resync, then publishes each committed change', async () => {
    cleanups.push(
      connectLiveChanges(server.client(server.tokens.vic), {
        onUnauthorized: (message) => {
          throw new Error(`unexpected: ${message}`);
        },
      }),
    );
    await until(() => resyncs() === 1, 'the first resync');
    expect(useConnection.getState().status).toBe('online');
    const alice = server.client(server.tokens.alice);
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('live-a')] });
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('live-b')] });
    await until(() => changedKeys().length === 2, 'two changes');
    expect(changedKeys()).toEqual(['live-a', 'live-b']);
    const entry = (received.at(-1) as { entry: AuditEntryView }).entry;
    expect(entry).toMatchObject({ action: 'experiment.enqueue', actor: 'alice' });
  });

  it('shows the connection lost when the server drops it, and catches up on what it missed', async () => {
    cleanups.push(
      connectLiveChanges(server.client(server.tokens.vic), { onUnauthorized: () => {} }),
    );
    await until(() => resyncs() === 1, 'the first resync');
    const alice = server.client(server.tokens.alice);
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('before-drop')] });
    await until(() => changedKeys().includes('before-drop'), 'the change before the drop');

    server.server.closeAllConnections();
    await until(() => useConnection.getState().status === 'reconnecting', 'the lost connection');
    // Committed while the stream is down: it must arrive once the stream is back, exactly once.
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('during-drop')] });
    await until(() => resyncs() === 2 && changedKeys().includes('during-drop'), 'the catch-up');
    expect(useConnection.getState().status).toBe('online');
    expect(statuses).toEqual(['online', 'reconnecting', 'online']);
    expect(changedKeys()).toEqual(['before-drop', 'during-drop']);
  });

  it('ends the session when the server refuses the token', async () => {
    let refused: string | null = null;
    cleanups.push(
      connectLiveChanges(server.client('rwy_not_a_real_token'), {
        onUnauthorized: (message) => {
          refused = message;
          for (const wake of [...wakeups]) wake();
        },
        delayMs: () => 10,
      }),
    );
    await until(() => refused !== null, 'the refusal');
    expect(refused).toMatch(/did not accept your token/);
    // A refusal is not a lost connection: no "reconnecting" banner for a bad token.
    expect(statuses).not.toContain('reconnecting');
  });
});
