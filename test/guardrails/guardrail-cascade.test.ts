import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { deltaSum, postMetrics } from '../support/otlp';

// A regression that shows at full exposure: the experiment completed, its dependent started on
// that completion, then its telemetry breaches during the bake. The guardrail engine rolls it
// back with the dependent, audits the evidence, pages, and OFREP serves control for both.

const START_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
let server: TestServer;
let clock: ManualClock;

afterEach(async () => {
  await server.stop();
});

async function sendTreatment(key: string, requests: number, errors: number): Promise<void> {
  const metrics = [
    deltaSum('runway.requests', key, { treatment: requests }, clock.now()),
    deltaSum('runway.requests.errors', key, { treatment: errors }, clock.now()),
  ];
  const sent = await postMetrics(server.url, server.tokens.alice, 'payments', metrics);
  expect(sent).toEqual({ status: 200, body: {} });
}

async function flagVariant(key: string, targetingKey: string): Promise<unknown> {
  const response = await fetch(`${server.url}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.vic}` },
    body: JSON.stringify({ context: { targetingKey } }),
  });
  return ((await response.json()) as { variant: unknown }).variant;
}

describe('guardrails after completion (the bake)', () => {
  it('rolls back a completed experiment and the dependent that started on it', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock, guardrailLoop: false });
    const guardrails = [{ sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' }];
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [
        makeSpec('payments-api-v3', {
          service: 'payments',
          stages: [{ percent: 100, hold: '1m' }],
          guardrails,
        }),
        makeSpec('checkout-one-click', { requires: ['payments-api-v3'] }),
      ],
    });
    server.runway.scheduler.tick();
    expect(server.runway.experimentStore.get('payments-api-v3')?.state).toBe('running');

    // Healthy at full exposure: 0.4% errors against a 2% maximum passes, and after the hold
    // the scheduler completes it; its dependent starts on that completion.
    clock.advance(10_000);
    await sendTreatment('payments-api-v3', 20_000, 80);
    server.runway.guardrails.evaluateRunning(clock.now());
    clock.advance(60_000);
    server.runway.scheduler.tick();
    server.runway.scheduler.tick();
    expect(server.runway.experimentStore.get('payments-api-v3')?.state).toBe('completed');
    expect(server.runway.experimentStore.get('checkout-one-click')?.state).toBe('running');
    expect(await flagVariant('payments-api-v3', 'user-1')).toBe('treatment');

    // Then, during the bake, errors climb to 10%.
    clock.advance(5_000);
    await sendTreatment('payments-api-v3', 20_000, 2_000);
    const outcomes = server.runway.guardrails.evaluateRunning(clock.now());
    expect(outcomes).toMatchObject([
      { key: 'payments-api-v3', applied: true, decision: { kind: 'rollback', sli: 'error_rate' } },
    ]);
    expect(server.runway.experimentStore.get('payments-api-v3')?.state).toBe('rolled_back');
    expect(server.runway.experimentStore.get('checkout-one-click')?.state).toBe('rolled_back');

    const rollbacks = server.runway.audit.list({ action: 'experiment.rollback', limit: 10 });
    const byKey = Object.fromEntries(rollbacks.map((entry) => [entry.experimentKey, entry]));
    expect(byKey['payments-api-v3']?.actor).toBe('runway:guardrails');
    expect(byKey['payments-api-v3']?.reason).toMatch(
      /guardrail error_rate failed: estimate 0\.\d+ vs max 0\.02/,
    );
    expect(byKey['checkout-one-click']?.reason).toMatch(
      /^cascade from payments-api-v3: guardrail error_rate failed/,
    );

    const pages = server.runway.db
      .prepare('SELECT topic, payload_json AS payload FROM outbox ORDER BY id')
      .all() as Array<{ topic: string; payload: string }>;
    // One page for the experiment that failed (the evidence, which says it rolled back) and
    // one rollback page for the dependent taken down with it.
    expect(pages.map((page) => page.topic).sort()).toEqual(['page.guardrail', 'page.rollback']);
    const dependentPage = JSON.parse(pages.find((page) => page.topic === 'page.rollback')!.payload);
    expect(dependentPage).toMatchObject({
      experimentKey: 'checkout-one-click',
      cause: 'payments-api-v3',
    });
    const evidence = JSON.parse(pages.find((page) => page.topic === 'page.guardrail')!.payload);
    expect(evidence).toMatchObject({ key: 'payments-api-v3', action: 'rollback', limit: 0.02 });

    expect(await flagVariant('payments-api-v3', 'user-1')).toBe('control');
    expect(await flagVariant('checkout-one-click', 'user-1')).toBe('control');
  });

  it('stops watching once the bake (the longest guardrail window) is over', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock, guardrailLoop: false });
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [
        makeSpec('search-rerank', {
          service: 'payments',
          stages: [{ percent: 100, hold: '1m' }],
          guardrails: [{ sli: 'error_rate', max: 0.02, window: '2m', action: 'rollback' }],
        }),
      ],
    });
    server.runway.scheduler.tick();
    clock.advance(10_000);
    await sendTreatment('search-rerank', 20_000, 80);
    server.runway.guardrails.evaluateRunning(clock.now());
    clock.advance(60_000);
    server.runway.scheduler.tick();
    expect(server.runway.experimentStore.get('search-rerank')?.state).toBe('completed');
    clock.advance(3 * 60_000);
    await sendTreatment('search-rerank', 20_000, 2_000);
    expect(server.runway.guardrails.evaluateRunning(clock.now())).toEqual([]);
    expect(server.runway.experimentStore.get('search-rerank')?.state).toBe('completed');
  });
});
