import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { deltaSum, postMetrics } from '../support/otlp';

// Error budgets from telemetry feed the scheduler's budget gate: a service burning its budget in
// both the 1 h and the 6 h window holds its next experiment back, with the reason.

const START_MS = Date.UTC(2026, 10, 29, 9, 0, 0);
const HOUR_MS = 60 * 60 * 1_000;
let server: TestServer;
let clock: ManualClock;

afterEach(async () => {
  await server.stop();
});

/** Both arms of `key`, half the requests and errors each. */
async function sendRequests(key: string, requests: number, errors: number): Promise<void> {
  const half = (value: number) => ({ treatment: value / 2, control: value / 2 });
  const metrics = [
    deltaSum('runway.requests', key, half(requests), clock.now()),
    deltaSum('runway.requests.errors', key, half(errors), clock.now()),
  ];
  const sent = await postMetrics(server.url, server.tokens.alice, 'checkout', metrics);
  expect(sent).toEqual({ status: 200, body: {} });
}

describe('error budgets from telemetry', () => {
  it("computes a service's budget and burn rates and holds back its next experiment", async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock });
    const admin = server.client(server.tokens.admin);
    await admin.policy.setSlo.mutate({
      service: 'checkout',
      objective: 0.99,
      windowMs: 28 * 24 * HOUR_MS,
    });
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('checkout-a', { layer: 'shared' })],
    });
    server.runway.scheduler.tick();
    expect(server.runway.experimentStore.get('checkout-a')?.state).toBe('running');

    // 8% errors against an allowed 1%: burning at 8x in both windows.
    clock.advance(60_000);
    await sendRequests('checkout-a', 20_000, 1_600);
    const [refresh] = server.runway.budgets.refreshFromTelemetry(clock.now());
    expect(refresh?.budget.shortBurnRate).toBeCloseTo(8, 6);
    expect(refresh?.budget.longBurnRate).toBeCloseTo(8, 6);
    const slo = (await admin.policy.get.query()).slos.find((row) => row.service === 'checkout');
    expect(slo?.burnRate).toBeCloseTo(8, 6);
    expect(slo?.remainingFraction).toBeCloseTo(-7, 6);
    expect(slo?.budgetSource).toBe('telemetry: burn 8.00x over 1h, 8.00x over 6h');

    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('checkout-b', { layer: 'shared-b' })],
    });
    server.runway.scheduler.tick();
    const waiting = await server
      .client(server.tokens.vic)
      .experiments.get.query({ key: 'checkout-b' });
    expect(waiting.state).toBe('queued');
    expect(waiting.blockedReasons.map((reason) => reason.kind)).toEqual(
      expect.arrayContaining(['error_budget', 'burn_rate']),
    );
    // Unchanged figures are not written again.
    expect(server.runway.budgets.refreshFromTelemetry(clock.now())[0]?.changed).toBe(false);
  });

  it('leaves a budget set by hand alone where no telemetry measures it', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock });
    const admin = server.client(server.tokens.admin);
    await admin.policy.setSlo.mutate({
      service: 'search',
      objective: 0.999,
      windowMs: 28 * 24 * HOUR_MS,
    });
    await admin.policy.setBudget.mutate({
      service: 'search',
      remainingFraction: 0.4,
      burnRate: 1.5,
      source: 'sloth',
    });
    expect(server.runway.budgets.refreshFromTelemetry(clock.now())).toEqual([]);
    const slo = (await admin.policy.get.query()).slos.find((row) => row.service === 'search');
    expect(slo).toMatchObject({ remainingFraction: 0.4, burnRate: 1.5, budgetSource: 'sloth' });
  });
});
