import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// The guardrail engine against the real server: OTLP in over HTTP, verdicts and actions through
// the services, the flag answer over OFREP.

const START_MS = Date.UTC(2026, 10, 22, 6, 0, 0);
const MINUTE_MS = 60_000;

let server: TestServer;
let clock: ManualClock;

beforeEach(() => {
  clock = new ManualClock(START_MS);
});
afterEach(async () => {
  await server.stop();
});

const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
const text = (value: string) => ({ stringValue: value });

function deltaSum(name: string, key: string, variant: string, value: number, timeMs: number) {
  return {
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [
        {
          attributes: [
            { key: 'runway.experiment', value: text(key) },
            { key: 'runway.variant', value: text(variant) },
          ],
          startTimeUnixNano: nanos(timeMs - 1_000),
          timeUnixNano: nanos(timeMs),
          asInt: String(value),
        },
      ],
    },
  };
}

/** Requests and errors for both arms, in one OTLP JSON export. */
async function sendRequests(
  key: string,
  arms: Record<'treatment' | 'control', { requests: number; errors: number }>,
  timeMs: number,
): Promise<void> {
  const metrics = Object.entries(arms).flatMap(([variant, { requests, errors }]) => [
    deltaSum('runway.requests', key, variant, requests, timeMs),
    deltaSum('runway.requests.errors', key, variant, errors, timeMs),
  ]);
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: text('checkout') }] },
        scopeMetrics: [{ scope: { name: 'checkout' }, metrics }],
      },
    ],
  };
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.alice}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

/**
 * Boots the server and starts one guarded experiment. Without the guardrail loop the tests call
 * the service themselves; with it, each metrics batch triggers an evaluation.
 */
async function startGuarded(
  key: string,
  action: 'rollback' | 'pause',
  guardrailLoop = false,
): Promise<void> {
  server = await startTestServer({ clock, guardrailLoop });
  const guardrails = [{ sli: 'error_rate', maxRelative: 0.1, window: '1m', action }];
  await server
    .client(server.tokens.alice)
    .experiments.enqueue.mutate({ specs: [makeSpec(key, { guardrails })] });
  server.runway.scheduler.tick();
  expect(server.runway.experimentStore.get(key)?.state).toBe('running');
}

async function flagValue(key: string, targetingKey: string): Promise<unknown> {
  const response = await fetch(`${server.url}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.vic}` },
    body: JSON.stringify({ context: { targetingKey } }),
  });
  return ((await response.json()) as { value: unknown }).value;
}

describe('guardrail engine', () => {
  it('rolls back an experiment whose treatment errors at twice control', async () => {
    await startGuarded('checkout-v2', 'rollback');
    clock.advance(5_000);
    await sendRequests(
      'checkout-v2',
      {
        treatment: { requests: 20_000, errors: 400 },
        control: { requests: 20_000, errors: 200 },
      },
      clock.now(),
    );
    // Listeners (SSE, the scheduler, pages) hear of the rollback only once it has committed.
    const publishedInTransaction: boolean[] = [];
    server.runway.feed.subscribe(() => publishedInTransaction.push(server.runway.db.inTransaction));
    const outcomes = server.runway.guardrails.evaluateRunning(clock.now());
    expect(outcomes).toMatchObject([
      { key: 'checkout-v2', applied: true, decision: { kind: 'rollback', sli: 'error_rate' } },
    ]);
    expect(publishedInTransaction).toEqual([false]);

    expect(server.runway.experimentStore.get('checkout-v2')?.state).toBe('rolled_back');
    const [entry] = server.runway.audit.list({
      experimentKey: 'checkout-v2',
      action: 'experiment.rollback',
      limit: 5,
    });
    expect(entry?.actor).toBe('runway:guardrails');
    expect(entry?.reason).toMatch(
      /guardrail error_rate failed: estimate 0\.9\d+ vs maxRelative 0\.1/,
    );
    expect(entry?.reason).toContain('20000 treatment / 20000 control samples');

    const [status] = server.runway.experimentStore.guardrailStatuses('checkout-v2');
    expect(status).toMatchObject({ sli: 'error_rate', verdict: 'fail' });

    const pages = server.runway.outbox.list(20).map((message) => message.topic);
    // The evidence page stands for the rollback's page: the owner is paged once for one event.
    expect(pages.filter((topic) => topic.startsWith('page.'))).toEqual(['page.guardrail']);
    const page = server.runway.outbox
      .list(20)
      .find((message) => message.topic === 'page.guardrail');
    expect(page?.payload).toMatchObject({
      key: 'checkout-v2',
      action: 'rollback',
      rule: 'maxRelative 0.1',
      samples: { treatment: 20_000, control: 20_000 },
    });

    for (const unit of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      expect(await flagValue('checkout-v2', unit)).toBe(false);
    }
    // Nothing more to do once it is no longer running.
    expect(server.runway.guardrails.evaluateRunning(clock.now())).toEqual([]);
  });

  it('rolls back from the evaluation that a metrics batch triggers', async () => {
    await startGuarded('auto', 'rollback', true);
    clock.advance(5_000);
    await sendRequests(
      'auto',
      {
        treatment: { requests: 20_000, errors: 400 },
        control: { requests: 20_000, errors: 200 },
      },
      clock.now(),
    );
    await vi.waitFor(
      () => expect(server.runway.experimentStore.get('auto')?.state).toBe('rolled_back'),
      { timeout: 5_000, interval: 20 },
    );
  });

  it('leaves a healthy experiment alone', async () => {
    await startGuarded('healthy', 'rollback');
    clock.advance(5_000);
    await sendRequests(
      'healthy',
      {
        treatment: { requests: 20_000, errors: 200 },
        control: { requests: 20_000, errors: 200 },
      },
      clock.now(),
    );
    expect(server.runway.guardrails.evaluateRunning(clock.now())).toEqual([]);
    expect(server.runway.experimentStore.get('healthy')?.state).toBe('running');
  });

  it('pauses and pages when telemetry stops for a whole window, and never advances', async () => {
    await startGuarded('silent', 'rollback');
    clock.advance(5_000);
    await sendRequests(
      'silent',
      { treatment: { requests: 500, errors: 5 }, control: { requests: 500, errors: 5 } },
      clock.now(),
    );
    expect(server.runway.guardrails.evaluateRunning(clock.now())).toEqual([]);

    clock.advance(2 * MINUTE_MS);
    const outcomes = server.runway.guardrails.evaluateRunning(clock.now());
    expect(outcomes).toMatchObject([
      { key: 'silent', applied: true, decision: { kind: 'pause', reason: 'no_data' } },
    ]);
    const row = server.runway.experimentStore.get('silent');
    expect(row).toMatchObject({ state: 'paused', stageIndex: 0 });
    const topics = server.runway.outbox.list(20).map((message) => message.topic);
    expect(topics).toContain('page.telemetry_lost');

    clock.advance(30 * MINUTE_MS);
    server.runway.scheduler.tick();
    expect(server.runway.experimentStore.get('silent')).toMatchObject({
      state: 'paused',
      stageIndex: 0,
    });
  });
});
