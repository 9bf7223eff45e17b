import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../server/src/audit/audit-service';
import { makeSpec, startTestServer, type TestServer } from './support/harness';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.stop());

/** Collects subscription events until `count` have arrived (or fails after a timeout). */
function collectChanges(
  token: string,
  count: number,
  lastEventId?: string,
): Promise<AuditEntryView[]> {
  const received: AuditEntryView[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`timed out with ${received.length}/${count} events`));
    }, 10_000);
    const subscription = server
      .client(token)
      .queue.changes.subscribe(lastEventId ? { lastEventId } : undefined, {
        onData: (event) => {
          received.push(event.data);
          if (received.length === count) {
            clearTimeout(timer);
            subscription.unsubscribe();
            resolve(received);
          }
        },
        onError: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
  });
}

describe('the HTTP surface', () => {
  it('answers health and readiness without a token', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: true });
  });

  it('serves Prometheus metrics to a token holder: enqueue latency, transitions, queue depth, tick duration', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    await server
      .client(server.tokens.alice)
      .experiments.enqueue.mutate({ specs: [makeSpec('metric-a')] });
    await server.client(server.tokens.bob).scheduler.tick.mutate();
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.tokens.vic}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('runway_enqueue_duration_seconds_count 1');
    expect(text).toMatch(/runway_transitions_total\{action="start"\} 1/);
    expect(text).toMatch(/runway_queue_depth\{state="running"\} 1/);
    expect(text).toMatch(/runway_scheduler_tick_duration_seconds_count [1-9]/);
  });

  it('streams committed changes over SSE and replays what a reconnecting client missed', async () => {
    const alice = server.client(server.tokens.alice);
    // Subscribing from the current head means nothing is missed however long the connection takes.
    const [head] = await alice.audit.list.query({ limit: 1 });
    const live = collectChanges(server.tokens.vic, 2, String(head!.seq));
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('sse-a')] });
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('sse-b')] });
    const events = await live;
    expect(events.map((event) => [event.action, event.experimentKey])).toEqual([
      ['experiment.enqueue', 'sse-a'],
      ['experiment.enqueue', 'sse-b'],
    ]);
    await alice.experiments.enqueue.mutate({ specs: [makeSpec('sse-c')] });
    const replayed = await collectChanges(server.tokens.vic, 1, String(events[1]!.seq));
    expect(replayed.map((event) => event.experimentKey)).toEqual(['sse-c']);
  });

  it('refuses a subscription without a token', async () => {
    await expect(collectChanges('not-a-token', 1)).rejects.toThrow(/unknown or revoked token/);
  });
});
