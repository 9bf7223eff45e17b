import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/src/seeded-random';
import type { Actor } from '../actor';
import type { AuditEntryView } from '../audit/audit-service';
import { RELEASE_MANAGERS } from './demo-crew';
import {
  DEGRADE_RAMP_MS,
  DEGRADED_ERROR_RATE,
  ONSET_MS,
  FIRST_TURN_AFTER_SEED_MS,
  planScenarios,
  treatmentCondition,
  TURN_EVERY_MS,
  type Scenario,
} from './demo-scenarios';
import { SHIPPED_CHAIN } from './demo-shipped-chain';
import { DemoTraffic, httpTrafficSender, type TrafficStep } from './demo-traffic';
import { latencyHistogram, LATENCY_BOUNDS_MS } from './demo-traffic-model';
import { DEMO_EPOCH_MS, driveDemo, startDemoHarness, type DemoHarness } from './demo-test-kit';

const DEGRADING = 'notifications-provider-failover';
const DEPENDENT = 'notifications-digest-v2';
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
      'notifications',
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
      telemetry.aggregate('payments-api-v3', variant, 'runway.requests', 0, Number.MAX_SAFE_INTEGER)
        .sum?.total ?? 0;
    expect(requests('treatment')).toBeGreaterThan(1_000);
    expect(requests('control')).toBeGreaterThan(1_000);
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

  it('rolls the experiment that breaks after completing back on its own within seconds, with the dependent that started on it', () => {
    const [completed] = rowsOf(DEGRADING, 'complete');
    const [rollback] = rowsOf(DEGRADING, 'rollback');
    expect(rollback).toMatchObject({
      actor: ENGINE,
      fromState: 'completed',
      toState: 'rolled_back',
      cause: null,
    });
    const onsetMs = completed!.at + ONSET_MS.degrades_after_completion;
    expect(rollback!.at - onsetMs).toBeGreaterThan(0);
    expect(rollback!.at - onsetMs).toBeLessThanOrEqual(20_000);
    expect(rollback!.at - startOf(DEGRADING)).toBeLessThanOrEqual(5 * 60_000);
    const evidence =
      /^guardrail error_rate failed: estimate 0\.0\d+ vs max 0\.01 \(\d+ treatment \/ \d+ control samples, bound 0\.01\)$/;
    expect(rollback!.reason).toMatch(evidence);
    // The dependent started on its completion and went down with it, in the same cascade.
    expect(startOf(DEPENDENT)).toBeGreaterThan(completed!.at);
    const [cascade] = rowsOf(DEPENDENT, 'rollback');
    expect(cascade).toMatchObject({
      actor: ENGINE,
      fromState: 'running',
      toState: 'rolled_back',
      cause: DEGRADING,
      at: rollback!.at,
    });
    expect(cascade!.reason).toBe(`cascade from ${DEGRADING}: ${rollback!.reason}`);
    expect(cascade!.seq).toBeLessThan(rollback!.seq);
    // What waited further down the chain can never start: a release manager aborts it.
    const [abort] = rowsOf('notifications-smart-send-time', 'abort');
    expect(RELEASE_MANAGERS).toContain(abort!.actor);
    expect(abort!.reason).toContain(`Prerequisite ${DEPENDENT} was rolled back`);
    // While it baked, completed and serving everyone, only its treatment sent telemetry.
    const baking = steps.filter(
      (step) =>
        step.toMs > completed!.at && step.toMs <= rollback!.at && step.conditions.has(DEGRADING),
    );
    expect(baking.length).toBeGreaterThan(0);
    for (const step of baking) {
      const arms = step.exports
        .flatMap((entry) => entry.arms)
        .filter((arm) => arm.experiment === DEGRADING);
      expect(arms.map((arm) => arm.variant)).toEqual(['treatment']);
    }
  });

  it('pauses the experiment whose treatment telemetry stopped, and it sends again once paused', () => {
    const [pause] = rowsOf(SILENT, 'pause');
    expect(pause).toMatchObject({ actor: ENGINE, fromState: 'running', toState: 'paused' });
    expect(pause!.reason).toMatch(/^guardrails: no treatment telemetry for 120000 ms/);
    const onsetMs = startOf(SILENT) + ONSET_MS.goes_silent;
    // A whole window (2 min) after its treatment last sent, or after its stage started if later.
    const lastSentMs = steps.filter((step) => step.toMs < onsetMs).at(-1)!.toMs;
    const stageStartMs = audit
      .filter(
        (row) =>
          row.experimentKey === SILENT &&
          ['experiment.start', 'experiment.advance'].includes(row.action) &&
          row.at < pause!.at,
      )
      .at(-1)!.at;
    const silentSinceMs = Math.max(lastSentMs, stageStartMs);
    expect(pause!.at - silentSinceMs).toBeGreaterThan(120_000);
    expect(pause!.at - silentSinceMs).toBeLessThanOrEqual(120_000 + 5_000);
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
    // Each on a misbehaving experiment, or in the cascade of one.
    for (const row of engineActions)
      expect(misbehaving, row.experimentKey!).toContain(row.cause ?? row.experimentKey);
    const count = (action: string): number =>
      audit.filter((row) => row.action === `experiment.${action}`).length;
    expect(count('advance')).toBeGreaterThanOrEqual(15);
    expect(count('complete')).toBeGreaterThanOrEqual(8);
  });

  it('leaves the chain shipped at start-up alone: its bake passes on healthy telemetry and the running link ramps', () => {
    const [root, middle, running] = SHIPPED_CHAIN.map((link) => link.key) as [
      string,
      string,
      string,
    ];
    for (const key of [root, middle, running]) {
      expect(rowsOf(key, 'rollback'), key).toEqual([]);
      expect(
        audit.filter((row) => row.experimentKey === key && row.actor === ENGINE),
        key,
      ).toEqual([]);
    }
    // Completed and serving everyone: only treatment reports, for the bake.
    const arms = (key: string): string[] =>
      steps[0]!.exports
        .flatMap((entry) => entry.arms)
        .filter((arm) => arm.experiment === key)
        .map((arm) => arm.variant);
    expect(arms(root)).toEqual(['treatment']);
    expect(arms(middle)).toEqual(['treatment']);
    expect(arms(running).sort()).toEqual(['control', 'treatment']);
    const { experimentStore } = harness.server.runway;
    const errorRate = experimentStore
      .guardrailStatuses(root)
      .find((status) => status.sli === 'error_rate');
    expect(errorRate?.verdict).toBe('pass');
    expect(rowsOf(running, 'advance').length).toBeGreaterThan(0);
    expect(['running', 'paused', 'completed']).toContain(experimentStore.get(running)!.state);
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

  it('takes turns after the first minutes: another experiment goes silent, another degrades', () => {
    const turns = new Map(
      steps
        .flatMap((step) => step.scenarios)
        .filter((plan) => plan.turn > 0)
        .map((plan) => [plan.turn, plan]),
    );
    const silent = turns.get(1)!;
    const degraded = turns.get(2)!;
    expect([silent.scenario, degraded.scenario]).toEqual(['goes_silent', 'degrades']);
    // Each the first experiment to start after its turn, some seconds into its run.
    for (const plan of [silent, degraded]) {
      const turnAtMs = DEMO_EPOCH_MS + FIRST_TURN_AFTER_SEED_MS + (plan.turn - 1) * TURN_EVERY_MS;
      const firstAfter = audit.find(
        (row) => row.action === 'experiment.start' && row.at >= turnAtMs,
      );
      expect(plan.key).toBe(firstAfter!.experimentKey);
      expect(plan.onsetMs).toBe(firstAfter!.at + ONSET_MS[plan.scenario]);
    }
    const [pause] = rowsOf(silent.key, 'pause');
    expect(pause).toMatchObject({ actor: ENGINE });
    expect(pause!.reason).toMatch(/no treatment telemetry/);
    const [rollback] = rowsOf(degraded.key, 'rollback');
    expect(rollback?.actor).toBe(ENGINE);
    expect(rollback!.at - degraded.onsetMs).toBeLessThanOrEqual(45_000);
  });
});

describe('planScenarios', () => {
  const designated = new Map<string, Scenario>([
    ['bad-one', 'degrades'],
    ['quiet-one', 'goes_silent'],
  ]);
  const seedAtMs = DEMO_EPOCH_MS;
  const firstTurnMs = seedAtMs + FIRST_TURN_AFTER_SEED_MS;

  const event = (key: string, atMs: number, stageCount = 3, required = false) => ({
    key,
    atMs,
    stageCount,
    required,
  });
  const plan = (nowMs: number, starts: ReturnType<typeof event>[], completions = starts) =>
    planScenarios({ seedAtMs, nowMs, starts, completions, designated });

  it('plays the designated scenarios a little after their experiment starts or completes', () => {
    const designatedOnly = new Map<string, Scenario>([
      ['breaks', 'degrades_after_completion'],
      ['quiet-one', 'goes_silent'],
    ]);
    const plans = planScenarios({
      seedAtMs,
      nowMs: seedAtMs + 60_000,
      starts: [event('breaks', seedAtMs), event('quiet-one', seedAtMs + 5_000)],
      completions: [event('breaks', seedAtMs + 50_000)],
      designated: designatedOnly,
    });
    expect(plans).toEqual([
      {
        key: 'breaks',
        scenario: 'degrades_after_completion',
        onsetMs: seedAtMs + 60_000,
        turn: 0,
      },
      { key: 'quiet-one', scenario: 'goes_silent', onsetMs: seedAtMs + 35_000, turn: 0 },
    ]);
  });

  it('gives turns in rotation to the next experiment to start, start, or complete, and sticks to them', () => {
    const second = firstTurnMs + TURN_EVERY_MS;
    const third = second + TURN_EVERY_MS;
    const starts = [
      event('before', firstTurnMs - 1),
      event('bad-one', firstTurnMs),
      // Silence needs a second stage: the single-stage experiment is passed over.
      event('single-stage', firstTurnMs + 5_000, 1),
      event('first', firstTurnMs + 10_000),
      event('also-first-window', firstTurnMs + 20_000),
      event('second', second + 60_000),
    ];
    const completions = [
      event('nothing-requires-it', third + 1_000),
      event('required', third + 2_000, 3, true),
    ];
    const at = (nowMs: number) =>
      plan(nowMs, starts, completions).filter((entry) => entry.turn > 0);
    const turns = [
      { key: 'first', scenario: 'goes_silent', onsetMs: firstTurnMs + 40_000, turn: 1 },
      { key: 'second', scenario: 'degrades', onsetMs: second + 105_000, turn: 2 },
      // A break after completion needs dependents to take down.
      {
        key: 'required',
        scenario: 'degrades_after_completion',
        onsetMs: third + 12_000,
        turn: 3,
      },
    ];
    expect(at(firstTurnMs - 1)).toEqual([]);
    expect(at(firstTurnMs + 20_000)).toEqual(turns.slice(0, 1));
    expect(at(second - 1)).toEqual(turns.slice(0, 1));
    expect(at(third + 60_000)).toEqual(turns);
    // Long after, the old turns are over.
    expect(at(firstTurnMs + 10 * TURN_EVERY_MS)).toEqual([]);
  });

  it('skips a turn when nothing qualifies during it, rather than taking the next turn’s experiment', () => {
    const late = firstTurnMs + TURN_EVERY_MS + 1_000;
    expect(plan(late + 60_000, [event('late', late)], [])).toEqual([
      { key: 'late', scenario: 'degrades', onsetMs: late + 45_000, turn: 2 },
    ]);
  });

  it('has no turns without a seed time', () => {
    const plans = planScenarios({
      seedAtMs: null,
      nowMs: firstTurnMs + TURN_EVERY_MS,
      starts: [event('any', firstTurnMs + 60_000)],
      completions: [],
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

  it("keeps a service's traffic coming through its last experiment once all of them have ended", async () => {
    const demo = await startDemoHarness();
    try {
      const { runway } = demo.server;
      runway.scheduler.tick();
      const row = runway.experimentStore.get('payments-api-v3')!;
      const admin: Actor = { userId: null, name: 'setup', role: 'admin' };
      runway.experiments.rollback('payments-api-v3', row.version, 'withdrawn by hand', admin);
      demo.clock.advance(5_000);
      const step = await demo.traffic.step();
      expect(step.problems).toEqual([]);
      const payments = step.exports.find((entry) => entry.service === 'payments-api')!;
      // Rolled back serves control to everyone in its layer.
      expect(payments.arms.map((arm) => [arm.experiment, arm.variant])).toEqual([
        ['payments-api-v3', 'control'],
      ]);
      expect(payments.arms[0]!.sample.requests).toBeGreaterThan(0.9 * 15_000 * 5);
    } finally {
      await demo.stop();
    }
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
