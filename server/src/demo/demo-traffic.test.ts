import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/src/seeded-random';
import type { Actor } from '../actor';
import type { AuditEntryView } from '../audit/audit-service';
import { RELEASE_MANAGERS } from './demo-crew';
import {
  DEGRADE_RAMP_MS,
  DEGRADED_ERROR_RATE,
  ONSET_AFTER_START_MS,
  FIRST_TURN_AFTER_SEED_MS,
  planScenarios,
  treatmentCondition,
  TURN_EVERY_MS,
  type Scenario,
} from './demo-scenarios';
import { DemoTraffic, httpTrafficSender, type TrafficStep } from './demo-traffic';
import { latencyHistogram, LATENCY_BOUNDS_MS } from './demo-traffic-model';
import { DEMO_EPOCH_MS, driveDemo, startDemoHarness, type DemoHarness } from './demo-test-kit';

const DEGRADING = 'payments-api-v3';
const SILENT = 'checkout-address-autocomplete';
const ENGINE = 'runway:guardrails';

describe('twenty minutes of the demo on a real server, judged by the real guardrail engine', () => {
  let harness: DemoHarness;
  const steps: TrafficStep[] = [];
  let audit: AuditEntryView[];
  const rowsOf = (key: string, action: string): AuditEntryView[] =>
    audit.filter((row) => row.experimentKey === key && row.action === `experiment.${action}`);
  const startOf = (key: string): number => rowsOf(key, 'start')[0]!.at;

  beforeAll(async () => {
    harness = await startDemoHarness();
    harness.server.runway.scheduler.tick();
    await driveDemo(harness, 20 * 12, mulberry32(20261123), (step) => steps.push(step));
    // Oldest first.
    audit = harness.server.runway.audit.list({ limit: 100_000 }).reverse();
  }, 180_000);
  afterAll(() => harness.stop());

  it('sends both arms of every running and paused experiment to /v1/metrics, accepted whole', () => {
    expect(steps.every((step) => step.problems.length === 0 && step.rejected === 0)).toBe(true);
    expect(steps.reduce((total, step) => total + step.points, 0)).toBeGreaterThan(5_000);
    const first = steps[0]!;
    expect(first.exports.map((entry) => entry.service).sort()).toEqual([
      'checkout',
      'identity',
      'payments-api',
      'search',
    ]);
    for (const entry of first.exports) {
      for (const arm of entry.arms) {
        expect(arm.sample.requests).toBeGreaterThan(0);
        expect(arm.sample.latency.count).toBe(arm.sample.requests);
      }
    }
    // What the guardrails read arrived, per arm, under the experiment's key.
    const { telemetry } = harness.server.runway;
    const requests = (variant: 'treatment' | 'control'): number =>
      telemetry.aggregate(DEGRADING, variant, 'runway.requests', 0, Number.MAX_SAFE_INTEGER).sum
        ?.total ?? 0;
    expect(requests('treatment')).toBeGreaterThan(1_000);
    expect(requests('control')).toBeGreaterThan(requests('treatment'));
    // Paused keeps its exposure, so its apps keep sending.
    const pausedAt = rowsOf(SILENT, 'pause')[0]!.at;
    const resumedAt = rowsOf(SILENT, 'resume')[0]?.at ?? Infinity;
    const whilePaused = steps.filter((step) => step.toMs > pausedAt && step.toMs < resumedAt);
    expect(whilePaused.length).toBeGreaterThan(0);
    for (const step of whilePaused) {
      const arms = step.exports
        .flatMap((entry) => entry.arms)
        .filter((a) => a.experiment === SILENT);
      expect(arms.map((arm) => arm.variant).sort()).toEqual(['control', 'treatment']);
    }
  });

  it('rolls the degrading experiment back on its own within seconds, with the evidence in the audit log', () => {
    const [rollback] = rowsOf(DEGRADING, 'rollback');
    expect(rollback).toMatchObject({ actor: ENGINE, fromState: 'running', toState: 'rolled_back' });
    const onsetMs = startOf(DEGRADING) + ONSET_AFTER_START_MS.degrades;
    expect(rollback!.at - onsetMs).toBeGreaterThan(0);
    expect(rollback!.at - onsetMs).toBeLessThanOrEqual(30_000);
    expect(rollback!.reason).toMatch(
      /^guardrail error_rate failed: estimate 0\.0\d+ vs max 0\.01 \(\d+ treatment \/ \d+ control samples, bound 0\.01\)$/,
    );
    // Its prerequisites-to-be were queued, not live, so nothing else was rolled back with it;
    // a release manager aborts the one waiting on it, naming it, and none of them ever starts.
    const [abort] = rowsOf('payments-3ds2-challenge', 'abort');
    expect(RELEASE_MANAGERS).toContain(abort!.actor);
    expect(abort!.reason).toContain(`Prerequisite ${DEGRADING} was rolled back`);
    for (const key of [
      'payments-3ds2-challenge',
      'checkout-one-click',
      'checkout-saved-cards-upsell',
    ])
      expect(rowsOf(key, 'start'), key).toEqual([]);
  });

  it('pauses the experiment whose treatment telemetry stopped, and it sends again once paused', () => {
    const [pause] = rowsOf(SILENT, 'pause');
    expect(pause).toMatchObject({ actor: ENGINE, fromState: 'running', toState: 'paused' });
    expect(pause!.reason).toMatch(/^guardrails: no treatment telemetry for 120000 ms/);
    const onsetMs = startOf(SILENT) + ONSET_AFTER_START_MS.goes_silent;
    // A whole window (2 min) after the treatment's last export.
    const lastSentMs = steps.filter((step) => step.toMs < onsetMs).at(-1)!.toMs;
    expect(pause!.at - lastSentMs).toBeGreaterThan(120_000);
    expect(pause!.at - lastSentMs).toBeLessThanOrEqual(120_000 + 5_000);
    expect(pause!.at - startOf(SILENT)).toBeLessThanOrEqual(4 * 60_000);
    const silentSteps = steps.filter((step) => step.toMs > onsetMs && step.toMs <= pause!.at);
    expect(silentSteps.every((step) => step.conditions.get(SILENT) === 'silent')).toBe(true);
    const after = steps.filter((step) => step.toMs > pause!.at && step.conditions.has(SILENT));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((step) => step.conditions.get(SILENT) === 'healthy')).toBe(true);
  });

  it('leaves healthy experiments alone while the fleet ramps on passing guardrails', () => {
    const misbehaving = new Set(steps.flatMap((step) => step.scenarios.map((plan) => plan.key)));
    const engineActions = audit.filter(
      (row) =>
        row.actor === ENGINE && ['experiment.pause', 'experiment.rollback'].includes(row.action),
    );
    expect(engineActions.length).toBeGreaterThanOrEqual(3);
    for (const row of engineActions)
      expect(misbehaving, row.experimentKey!).toContain(row.experimentKey);
    const count = (action: string): number =>
      audit.filter((row) => row.action === `experiment.${action}`).length;
    expect(count('advance')).toBeGreaterThanOrEqual(15);
    expect(count('complete')).toBeGreaterThanOrEqual(8);
  });

  it("keeps every service's error budget, measured from the same telemetry, open", () => {
    const { runway } = harness.server;
    const measured = runway.budgets.refreshFromTelemetry(harness.clock.now());
    expect(measured.map((entry) => entry.service).sort()).toEqual([
      'checkout',
      'identity',
      'notifications',
      'payments-api',
      'search',
    ]);
    const { budgetPolicy } = runway.policy.view({ userId: null, name: 'test', role: 'viewer' });
    for (const { service, budget } of measured) {
      expect(budget.remainingFraction, service).toBeGreaterThan(budgetPolicy.minRemainingFraction);
      expect(budget.burnRate, service).toBeLessThan(budgetPolicy.maxBurnRate);
    }
  });

  it('takes turns after the first minutes: another experiment degrades and is rolled back', () => {
    const turns = steps.flatMap((step) => step.scenarios).filter((plan) => plan.turn > 0);
    const degraded = turns.find((plan) => plan.scenario === 'degrades');
    expect(degraded).toBeDefined();
    // The first experiment to start after the turn, 45 s into its run.
    const turnAtMs = DEMO_EPOCH_MS + FIRST_TURN_AFTER_SEED_MS;
    const firstAfter = audit.find((row) => row.action === 'experiment.start' && row.at >= turnAtMs);
    expect(degraded!.key).toBe(firstAfter!.experimentKey);
    expect(degraded!.onsetMs).toBe(firstAfter!.at + ONSET_AFTER_START_MS.degrades);
    const [rollback] = rowsOf(degraded!.key, 'rollback');
    expect(rollback?.actor).toBe(ENGINE);
    expect(rollback!.at - degraded!.onsetMs).toBeLessThanOrEqual(45_000);
  });
});

describe('planScenarios', () => {
  const designated = new Map<string, Scenario>([
    ['bad-one', 'degrades'],
    ['quiet-one', 'goes_silent'],
  ]);
  const seedAtMs = DEMO_EPOCH_MS;
  const firstTurnMs = seedAtMs + FIRST_TURN_AFTER_SEED_MS;

  const started = (key: string, atMs: number, stageCount = 3) => ({ key, atMs, stageCount });

  it('starts the designated scenarios a little after their experiment starts', () => {
    const plans = planScenarios({
      seedAtMs,
      nowMs: seedAtMs + 60_000,
      starts: [
        started('bad-one', seedAtMs),
        started('quiet-one', seedAtMs + 5_000),
        started('fine-one', seedAtMs),
      ],
      designated,
    });
    expect(plans).toEqual([
      { key: 'bad-one', scenario: 'degrades', onsetMs: seedAtMs + 45_000, turn: 0 },
      { key: 'quiet-one', scenario: 'goes_silent', onsetMs: seedAtMs + 35_000, turn: 0 },
    ]);
  });

  it('gives each turn to the next experiment to start, alternating, and sticks to it', () => {
    const secondTurnMs = firstTurnMs + TURN_EVERY_MS;
    const starts = [
      started('before', firstTurnMs - 1),
      started('bad-one', firstTurnMs),
      started('first', firstTurnMs + 10_000),
      started('also-first-window', firstTurnMs + 20_000),
      started('single-stage', secondTurnMs + 5_000, 1),
      started('second', secondTurnMs + 60_000),
    ];
    const at = (nowMs: number) =>
      planScenarios({ seedAtMs, nowMs, starts, designated }).filter((plan) => plan.turn > 0);
    const first = { key: 'first', scenario: 'degrades', onsetMs: firstTurnMs + 55_000, turn: 1 };
    const second = {
      key: 'second',
      scenario: 'goes_silent',
      onsetMs: secondTurnMs + 90_000,
      turn: 2,
    };
    expect(at(firstTurnMs - 1)).toEqual([]);
    expect(at(firstTurnMs + 20_000)).toEqual([first]);
    expect(at(secondTurnMs - 1)).toEqual([first]);
    // Silence needs a second stage: the single-stage experiment is passed over.
    expect(at(secondTurnMs + 60_000)).toEqual([first, second]);
    // Long after, the old turns are over.
    expect(at(firstTurnMs + 10 * TURN_EVERY_MS)).toEqual([]);
  });

  it('skips a turn when nothing starts during it, rather than taking the next turn’s experiment', () => {
    const plans = planScenarios({
      seedAtMs,
      nowMs: firstTurnMs + TURN_EVERY_MS + 60_000,
      starts: [started('late', firstTurnMs + TURN_EVERY_MS + 1_000)],
      designated,
    });
    expect(plans).toEqual([
      {
        key: 'late',
        scenario: 'goes_silent',
        onsetMs: firstTurnMs + TURN_EVERY_MS + 31_000,
        turn: 2,
      },
    ]);
  });

  it('has no turns without a seed time', () => {
    const plans = planScenarios({
      seedAtMs: null,
      nowMs: firstTurnMs + TURN_EVERY_MS,
      starts: [started('any', firstTurnMs + 60_000)],
      designated,
    });
    expect(plans).toEqual([]);
  });
});

describe('treatmentCondition', () => {
  const degrading = { key: 'k', scenario: 'degrades' as const, onsetMs: 100_000, turn: 0 };
  const silent = { ...degrading, scenario: 'goes_silent' as const };

  it('ramps a degrading treatment from its healthy error rate to the peak', () => {
    expect(treatmentCondition(degrading, 99_999, 0.002, false)).toEqual({ kind: 'healthy' });
    expect(treatmentCondition(degrading, 100_000, 0.002, false)).toEqual({
      kind: 'failing',
      errorRate: 0.002,
    });
    const halfway = treatmentCondition(degrading, 100_000 + DEGRADE_RAMP_MS / 2, 0.002, false);
    expect(halfway).toEqual({
      kind: 'failing',
      errorRate: 0.002 + (DEGRADED_ERROR_RATE - 0.002) / 2,
    });
    expect(treatmentCondition(degrading, 900_000, 0.002, false)).toEqual({
      kind: 'failing',
      errorRate: DEGRADED_ERROR_RATE,
    });
  });

  it('keeps a silent treatment silent until the engine has paused it', () => {
    expect(treatmentCondition(silent, 99_999, 0.002, false).kind).toBe('healthy');
    expect(treatmentCondition(silent, 100_000, 0.002, false).kind).toBe('silent');
    expect(treatmentCondition(silent, 400_000, 0.002, true).kind).toBe('healthy');
  });
});

describe('latencyHistogram', () => {
  it('draws buckets, sum, min and max that agree with each other and with the distribution', () => {
    const random = mulberry32(3);
    for (const count of [0, 1, 7, 500, 40_000]) {
      const histogram = latencyHistogram(count, Math.log(60), 0.5, random);
      expect(histogram.explicitBounds).toEqual(LATENCY_BOUNDS_MS);
      expect(histogram.bucketCounts).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
      expect(histogram.bucketCounts.reduce((total, bucket) => total + bucket, 0)).toBe(count);
      if (count === 0) {
        expect(histogram.sum).toBe(0);
        continue;
      }
      expect(histogram.min).toBeLessThanOrEqual(histogram.max);
      expect(histogram.sum / count).toBeGreaterThanOrEqual(histogram.min);
      expect(histogram.sum / count).toBeLessThanOrEqual(histogram.max);
      const first = histogram.bucketCounts.findIndex((bucket) => bucket > 0);
      if (first > 0) expect(histogram.min).toBeGreaterThanOrEqual(LATENCY_BOUNDS_MS[first - 1]!);
    }
    // Median 60 ms, σ 0.5: the mean is 60·e^(σ²/2) ≈ 68 ms.
    const large = latencyHistogram(200_000, Math.log(60), 0.5, random);
    expect(large.sum / large.count).toBeGreaterThan(66);
    expect(large.sum / large.count).toBeLessThan(70);
  });
});

describe('DemoTraffic', () => {
  let harness: DemoHarness;
  afterAll(() => harness?.stop());

  it('logs a failure to send once, not every step, and says when it works again', async () => {
    const lines: string[] = [];
    harness = await startDemoHarness();
    const { server, clock } = harness;
    server.runway.scheduler.tick();
    let token = 'not-a-token';
    const traffic = new DemoTraffic(
      server.runway,
      (body) => httpTrafficSender({ url: server.url, token })(body),
      { random: mulberry32(1), log: (line) => lines.push(line) },
    );
    for (let step = 0; step < 3; step++) {
      clock.advance(5_000);
      const result = await traffic.step();
      expect(result.problems[0]).toMatch(/^HTTP 401: /);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/sending simulated telemetry to \/v1\/metrics failed: HTTP 401/);
    token = server.adminToken;
    clock.advance(5_000);
    expect((await traffic.step()).problems).toEqual([]);
    expect(lines).toEqual([lines[0], 'runway demo: sending simulated telemetry works again']);
  });

  it('sends nothing for a database that was never seeded as a demo', async () => {
    const plain = await startDemoHarness({ seed: false });
    try {
      const alice: Actor = { userId: null, name: 'setup', role: 'admin' };
      const user = plain.server.runway.auth.createToken({ name: 'alice', role: 'operator' }, alice);
      plain.server.runway.experiments.enqueue(
        {
          specs: [
            {
              key: 'real-rollout',
              title: 'A real rollout',
              owner: 'alice@example.com',
              team: 'payments',
              service: 'checkout',
              layer: 'web',
              stages: [{ percent: 10, hold: '1m' }],
              guardrails: [{ sli: 'error_rate', max: 0.02, window: '2m', action: 'rollback' }],
            },
          ],
        },
        { userId: user.user.id, name: 'alice', role: 'operator' },
      );
      plain.server.runway.scheduler.tick();
      plain.clock.advance(5_000);
      const step = await plain.traffic.step();
      expect(step.exports).toEqual([]);
      expect(plain.server.runway.telemetry.lastSeen('real-rollout')).toEqual([]);
    } finally {
      await plain.stop();
    }
  });
});
