import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { ManualClock } from '../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from './support/harness';

let server: TestServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  server = await startTestServer({ clock });
});
afterEach(async () => server.stop());

function codeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { runway?: { code: string } })?.runway?.code
    : undefined;
}

describe('the API over HTTP', () => {
  it('enqueues, starts on a tick, explains what blocks the rest, and ramps after the hold', async () => {
    const alice = server.client(server.tokens.alice);
    const base = await alice.experiments.enqueue.mutate({
      specs: [makeSpec('payments-api-v3', { layer: 'api' })],
    });
    expect(base.experiments[0]).toMatchObject({
      key: 'payments-api-v3',
      state: 'queued',
      version: 1,
    });
    const dependent = await alice.experiments.enqueue.mutate({
      specs: [makeSpec('checkout-v2', { layer: 'checkout-ui', requires: ['payments-api-v3'] })],
    });
    expect(dependent.experiments[0]).toEqual({ key: 'checkout-v2', state: 'queued', version: 1 });
    const queued = await alice.experiments.get.query({ key: 'checkout-v2' });
    expect(queued.blockedReasons.map((reason) => reason.message)).toContain(
      'requires payments-api-v3 (queued)',
    );

    await server.client(server.tokens.bob).scheduler.tick.mutate();
    const started = await alice.experiments.get.query({ key: 'payments-api-v3' });
    expect(started).toMatchObject({ state: 'running', stageIndex: 0, exposurePercent: 10 });
    const waiting = await alice.experiments.get.query({ key: 'checkout-v2' });
    expect(waiting.blockedReasons.map((reason) => reason.message)).toEqual([
      'requires payments-api-v3 (running, stage 1/3)',
    ]);

    clock.advance(10 * 60_000);
    await server.client(server.tokens.bob).scheduler.tick.mutate();
    expect(await alice.experiments.get.query({ key: 'payments-api-v3' })).toMatchObject({
      stageIndex: 1,
      exposurePercent: 50,
    });
  });

  it('refuses a viewer who tries to pause, and changes nothing', async () => {
    await server
      .client(server.tokens.alice)
      .experiments.enqueue.mutate({ specs: [makeSpec('flag-a')] });
    await server.client(server.tokens.bob).scheduler.tick.mutate();
    const viewer = server.client(server.tokens.vic);
    const before = await viewer.experiments.get.query({ key: 'flag-a' });
    const error = await viewer.experiments.pause
      .mutate({ key: 'flag-a', expectedVersion: before.version, reason: 'x' })
      .catch((e: unknown) => e);
    expect(codeOf(error)).toBe('FORBIDDEN');
    expect((error as Error).message).toContain('operator');
    expect(await viewer.experiments.get.query({ key: 'flag-a' })).toMatchObject({
      state: 'running',
      version: before.version,
    });
  });
});
