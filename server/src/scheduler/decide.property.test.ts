import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockedReason, GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Risk, Stage } from '../../../shared/src/spec/spec-schema';
import { decide, type SchedulerDecision } from './decide';
import {
  DEFAULT_POLICY,
  type FreezeWindow,
  type SchedulerExperiment,
  type SchedulerPolicy,
  type SchedulerSnapshot,
  type ServiceBudget,
} from './scheduler-snapshot';

// Properties of the pure scheduler (DESIGN §4) over generated snapshots that respect the
// lifecycle (DESIGN §3): running/paused experiments have their prerequisites completed and their
// `after`s ended, no two excluded experiments are active together, and no layer is over 100%.

const RUNS = { seed: 4_2026_12, numRuns: 300 } as const;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BASE_MS = Date.UTC(2026, 11, 1, 12, 0, 0);
const EPSILON = 1e-9;

const SERVICES = ['checkout', 'search', 'payments'] as const;
const TEAMS = ['alpha', 'beta'] as const;
const LAYERS = ['ui', 'api'] as const;
// Fractions included on purpose: sums of 0.1 + 0.2 + 33.4 depend on the order they are added in.
const PERCENTS = [0.1, 0.2, 5, 10, 12.5, 20, 25, 33.3, 33.4, 50, 75, 100] as const;
const MISSING_KEY = 'gone-forever';

// ---------------------------------------------------------------------------------------------
// Generators. Gates are tuned to pass often enough that starts, ramps and capacity contention
// happen in most runs, while every gate still fires in a good share of them.

/** Mostly `fallback` (weight `fallbackWeight` to 1), otherwise a value from `arbitrary`. */
function mostly<T>(fallback: T, arbitrary: fc.Arbitrary<T>, fallbackWeight = 3): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: fallbackWeight, arbitrary: fc.constant(fallback) },
    { weight: 1, arbitrary },
  );
}

interface RawExperiment {
  /** Before consistency fixes: a live state whose gates were never met becomes `queued`. */
  desiredState: ExperimentState;
  priority: number;
  risk: Risk;
  service: string;
  team: string;
  layer: string;
  percents: number[];
  holdsMs: number[];
  approves: boolean[];
  approved: boolean[];
  stagePick: number;
  stageAgeMs: number;
  verdict: GuardrailVerdict | null;
  requiresPicks: number[];
  afterPicks: number[];
  excludesPicks: number[];
  requiresMissing: boolean;
  notBeforeOffsetMs: number | null;
  notAfterOffsetMs: number | null;
}

const rawExperimentArb: fc.Arbitrary<RawExperiment> = fc.record({
  desiredState: fc.constantFrom<ExperimentState>(
    'queued',
    'queued',
    'queued',
    'queued',
    'queued',
    'pending_approval',
    'running',
    'running',
    'paused',
    'completed',
    'completed',
    'rolled_back',
    'aborted',
    'draft',
  ),
  priority: fc.constantFrom(10, 50, 90),
  risk: fc.constantFrom<Risk>('low', 'medium', 'high'),
  service: fc.constantFrom(...SERVICES),
  team: fc.constantFrom(...TEAMS),
  layer: fc.constantFrom(...LAYERS),
  percents: fc
    .uniqueArray(fc.constantFrom(...PERCENTS), { minLength: 1, maxLength: 3 })
    .map((list) => [...list].sort((a, b) => a - b)),
  holdsMs: fc.array(fc.constantFrom(0, 30 * MINUTE, 2 * HOUR), { minLength: 3, maxLength: 3 }),
  approves: fc.array(fc.constantFrom(false, false, false, true), { minLength: 3, maxLength: 3 }),
  approved: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  stagePick: fc.nat(2),
  stageAgeMs: fc.constantFrom(0, 10 * MINUTE, 45 * MINUTE, 3 * HOUR, 3 * HOUR),
  verdict: fc.constantFrom<GuardrailVerdict | null>(
    null,
    'pass',
    'pass',
    'pass',
    'fail',
    'inconclusive',
    'no_data',
  ),
  requiresPicks: mostly([], fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 2 }), 3),
  afterPicks: mostly([], fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 2 }), 3),
  excludesPicks: mostly([], fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 2 }), 2),
  requiresMissing: fc.constantFrom(false, false, false, false, false, false, false, true),
  notBeforeOffsetMs: mostly<number | null>(null, fc.integer({ min: -4 * HOUR, max: 4 * HOUR }), 4),
  notAfterOffsetMs: mostly<number | null>(null, fc.integer({ min: -4 * HOUR, max: 4 * HOUR }), 4),
});

const capArb = mostly(undefined, fc.integer({ min: 1, max: 4 }), 2);

const budgetArb: fc.Arbitrary<Omit<ServiceBudget, 'service'> | undefined> = mostly(
  undefined,
  fc.record({
    remainingFraction: fc.constantFrom(-0.05, 0.03, 0.1, 0.25, 0.6, 0.6, 1, 1),
    burnRate: fc.constantFrom(0.5, 0.5, 1, 1, 2, 3.5, 10),
  }),
  1,
);

interface RawPolicy {
  maxActiveGlobal: number | null;
  serviceCaps: (number | undefined)[];
  teamCaps: (number | undefined)[];
  freezes: {
    service: string | null;
    anchor: 'anywhere' | 'starts_now' | 'ends_now';
    startOffsetMs: number;
    lengthMs: number;
  }[];
  budgets: (Omit<ServiceBudget, 'service'> | undefined)[];
  minBudgetRemainingFraction: number;
  maxBurnRate: number;
}

const rawPolicyArb: fc.Arbitrary<RawPolicy> = fc.record({
  maxActiveGlobal: mostly(null, fc.integer({ min: 1, max: 6 }), 2),
  serviceCaps: fc.tuple(capArb, capArb, capArb),
  teamCaps: fc.tuple(capArb, capArb),
  freezes: mostly(
    [],
    fc.array(
      fc.record({
        service: fc.constantFrom<string | null>(null, ...SERVICES, ...SERVICES),
        // Windows that begin or end exactly now test the boundaries: [startsAt, endsAt).
        anchor: fc.constantFrom('anywhere', 'anywhere', 'starts_now', 'ends_now'),
        startOffsetMs: fc.integer({ min: -3 * HOUR, max: HOUR }),
        lengthMs: fc.integer({ min: MINUTE, max: 4 * HOUR }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  ),
  budgets: fc.tuple(budgetArb, budgetArb, budgetArb),
  minBudgetRemainingFraction: fc.constantFrom(0, 0.1, 0.25),
  maxBurnRate: fc.constantFrom(1, 2, 5),
});

interface Scenario {
  snapshot: SchedulerSnapshot;
  nowMs: number;
  /** A permutation of the experiments' indexes, for the order-independence property. */
  permutation: number[];
}

function keyOf(index: number): string {
  return `exp-${index}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function excludesEachOther(a: SchedulerExperiment, b: SchedulerExperiment): boolean {
  return a.excludes.includes(b.key) || b.excludes.includes(a.key);
}

/**
 * Turns generated raw material into a snapshot that respects DESIGN §3's lifecycle. A `calm`
 * scenario has no freezes, budgets, schedule windows, approvals or ordering edges (only
 * excludes), and more queued experiments, so capacity (layers and caps) is what decides: that
 * is where priority inversion could hide.
 */
function buildScenario(
  raws: RawExperiment[],
  seqs: number[],
  rawPolicy: RawPolicy,
  clockOffsetMs: number,
  permutation: number[],
  calm: boolean,
): Scenario {
  if (calm) {
    raws = raws.map((raw) => ({
      ...raw,
      desiredState:
        raw.desiredState === 'pending_approval' || raw.desiredState === 'draft'
          ? 'queued'
          : raw.desiredState,
      requiresPicks: [],
      afterPicks: [],
      requiresMissing: false,
      notBeforeOffsetMs: null,
      notAfterOffsetMs: null,
      approves: [false, ...raw.approves.slice(1)],
    }));
    rawPolicy = { ...rawPolicy, freezes: [], budgets: [undefined, undefined, undefined] };
  }
  const nowMs = BASE_MS + clockOffsetMs;
  const count = raws.length;
  // Edges first (requires/after only point to lower indexes, so they are acyclic).
  const edges = raws.map((raw, index) => {
    const requires = index === 0 ? [] : unique(raw.requiresPicks.map((pick) => pick % index));
    const after = index === 0 ? [] : unique(raw.afterPicks.map((pick) => pick % index));
    const excludes = unique(raw.excludesPicks.map((pick) => pick % count)).filter(
      (other) => other !== index && !requires.includes(other),
    );
    return {
      requires: [...requires.map(keyOf), ...(raw.requiresMissing ? [MISSING_KEY] : [])],
      after: after.map(keyOf),
      excludes: excludes.map(keyOf),
    };
  });

  const experiments: SchedulerExperiment[] = [];
  const stateByKey = new Map<string, ExperimentState>();
  const layerUsed = new Map<string, number>();
  raws.forEach((raw, index) => {
    const key = keyOf(index);
    const stages: Stage[] = raw.percents.map((percent, stage) => ({
      percent,
      holdMs: raw.holdsMs[stage] ?? 0,
      approve: raw.approves[stage] ?? false,
    }));
    const { requires, after, excludes } = edges[index]!;
    let state: ExperimentState = raw.desiredState;
    const isLiveWanted = state === 'running' || state === 'paused' || state === 'completed';
    if (isLiveWanted) {
      const prerequisitesDone = requires.every((other) => stateByKey.get(other) === 'completed');
      const predecessorsEnded = after.every((other) => {
        const otherState = stateByKey.get(other);
        return (
          otherState === 'completed' || otherState === 'rolled_back' || otherState === 'aborted'
        );
      });
      if (!prerequisitesDone || !predecessorsEnded) state = 'queued';
    }
    const stageIndex = Math.min(raw.stagePick, stages.length - 1);
    if (state === 'running' || state === 'paused') {
      const partnerActive = experiments.some(
        (other) =>
          (other.state === 'running' || other.state === 'paused') &&
          (other.excludes.includes(key) || excludes.includes(other.key)),
      );
      const used = layerUsed.get(raw.layer) ?? 0;
      if (partnerActive || used + stages[stageIndex]!.percent > 100 + EPSILON) state = 'queued';
    }
    const active = state === 'running' || state === 'paused';
    const started = active || state === 'completed' || state === 'rolled_back';
    const currentStage = state === 'completed' ? stages.length - 1 : active ? stageIndex : -1;
    if (active)
      layerUsed.set(raw.layer, (layerUsed.get(raw.layer) ?? 0) + stages[stageIndex]!.percent);
    const approvedStages = stages
      .map((stage, stageNumber) => stageNumber)
      .filter(
        (stageNumber) =>
          raw.approved[stageNumber] ||
          (started && stageNumber <= currentStage && stages[stageNumber]!.approve),
      );
    let notBeforeMs = raw.notBeforeOffsetMs === null ? null : BASE_MS + raw.notBeforeOffsetMs;
    let notAfterMs = raw.notAfterOffsetMs === null ? null : BASE_MS + raw.notAfterOffsetMs;
    if (notBeforeMs !== null && notAfterMs !== null && notAfterMs <= notBeforeMs)
      [notBeforeMs, notAfterMs] = [notAfterMs, notBeforeMs + HOUR];
    experiments.push({
      key,
      seq: seqs[index]!,
      version: index + 1,
      state,
      priority: raw.priority,
      risk: raw.risk,
      service: raw.service,
      team: raw.team,
      layer: raw.layer,
      stages,
      stageIndex: currentStage,
      exposurePercent: active ? stages[stageIndex]!.percent : 0,
      stageStartedAtMs: active ? nowMs - raw.stageAgeMs : null,
      notBeforeMs,
      notAfterMs,
      requires,
      excludes,
      after,
      approvedStages,
      guardrailVerdict: active ? raw.verdict : null,
    });
    stateByKey.set(key, state);
  });
  return { snapshot: { experiments, policy: buildPolicy(rawPolicy, nowMs) }, nowMs, permutation };
}

function buildPolicy(rawPolicy: RawPolicy, nowMs: number): SchedulerPolicy {
  const maxActivePerService: Record<string, number> = {};
  SERVICES.forEach((service, index) => {
    const cap = rawPolicy.serviceCaps[index];
    if (cap !== undefined) maxActivePerService[service] = cap;
  });
  const maxActivePerTeam: Record<string, number> = {};
  TEAMS.forEach((team, index) => {
    const cap = rawPolicy.teamCaps[index];
    if (cap !== undefined) maxActivePerTeam[team] = cap;
  });
  const budgets: Record<string, ServiceBudget> = {};
  SERVICES.forEach((service, index) => {
    const budget = rawPolicy.budgets[index];
    if (budget) budgets[service] = { service, ...budget };
  });
  const freezes: FreezeWindow[] = rawPolicy.freezes.map((freeze, index) => {
    const offsetMs =
      freeze.anchor === 'starts_now'
        ? 0
        : freeze.anchor === 'ends_now'
          ? -freeze.lengthMs
          : freeze.startOffsetMs;
    return {
      id: index + 1,
      service: freeze.service,
      startsAtMs: nowMs + offsetMs,
      endsAtMs: nowMs + offsetMs + freeze.lengthMs,
      reason: `change freeze #${index + 1}`,
    };
  });
  return {
    maxActiveGlobal: rawPolicy.maxActiveGlobal,
    maxActivePerService,
    maxActivePerTeam,
    freezes,
    budgets,
    minBudgetRemainingFraction: rawPolicy.minBudgetRemainingFraction,
    maxBurnRate: rawPolicy.maxBurnRate,
  };
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: 14 }).chain((count) =>
  fc
    .tuple(
      fc.array(rawExperimentArb, { minLength: count, maxLength: count }),
      fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: count, maxLength: count }),
      rawPolicyArb,
      fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
      fc.shuffledSubarray(
        Array.from({ length: count }, (_, index) => index),
        { minLength: count, maxLength: count },
      ),
      fc.boolean(),
    )
    .map(([raws, seqs, rawPolicy, clockOffsetMs, permutation, calm]) =>
      buildScenario(raws, seqs, rawPolicy, clockOffsetMs, permutation, calm),
    ),
);

// ---------------------------------------------------------------------------------------------
// Helpers over a decision

const ACTIVE: ReadonlySet<ExperimentState> = new Set(['running', 'paused']);
const ENDED: ReadonlySet<ExperimentState> = new Set(['completed', 'rolled_back', 'aborted']);

function schedulingOrder(experiments: readonly SchedulerExperiment[]): Map<string, number> {
  const sorted = [...experiments].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  return new Map(sorted.map((experiment, rank) => [experiment.key, rank]));
}

interface AppliedExperiment {
  experiment: SchedulerExperiment;
  state: ExperimentState;
  exposurePercent: number;
}

/** The experiments after the decision's starts and ramps are applied (completions left as running). */
function applyStartsAndRamps(
  snapshot: SchedulerSnapshot,
  decision: SchedulerDecision,
): AppliedExperiment[] {
  const starts = new Map(decision.starts.map((start) => [start.key, start]));
  const ramps = new Map(decision.ramps.map((ramp) => [ramp.key, ramp]));
  return snapshot.experiments.map((experiment) => {
    const start = starts.get(experiment.key);
    if (start) return { experiment, state: 'running', exposurePercent: start.percent };
    const ramp = ramps.get(experiment.key);
    if (ramp) return { experiment, state: experiment.state, exposurePercent: ramp.percent };
    return { experiment, state: experiment.state, exposurePercent: experiment.exposurePercent };
  });
}

function layerExposure(applied: readonly AppliedExperiment[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const entry of applied) {
    if (!ACTIVE.has(entry.state)) continue;
    used.set(
      entry.experiment.layer,
      (used.get(entry.experiment.layer) ?? 0) + entry.exposurePercent,
    );
  }
  return used;
}

function freezeCovers(
  policy: SchedulerPolicy,
  service: string,
  nowMs: number,
): FreezeWindow | undefined {
  return policy.freezes.find(
    (freeze) =>
      (freeze.service === null || freeze.service === service) &&
      freeze.startsAtMs <= nowMs &&
      nowMs < freeze.endsAtMs,
  );
}

function budgetViolated(policy: SchedulerPolicy, service: string): boolean {
  const budget = policy.budgets[service];
  if (!budget) return false;
  // Only strict violations: DESIGN says "above the minimum / below the maximum", the snapshot
  // type says "at least / at or below"; both readings agree away from the boundary.
  return (
    budget.remainingFraction < policy.minBudgetRemainingFraction ||
    budget.burnRate > policy.maxBurnRate
  );
}

interface CapScope {
  label: string;
  limit: number;
  contains: (experiment: SchedulerExperiment) => boolean;
}

/** The concurrency caps an experiment counts against. */
function capScopesOf(policy: SchedulerPolicy, experiment: SchedulerExperiment): CapScope[] {
  const scopes: CapScope[] = [];
  if (policy.maxActiveGlobal !== null)
    scopes.push({ label: 'global', limit: policy.maxActiveGlobal, contains: () => true });
  const serviceLimit = policy.maxActivePerService[experiment.service];
  if (serviceLimit !== undefined) {
    scopes.push({
      label: `service ${experiment.service}`,
      limit: serviceLimit,
      contains: (other) => other.service === experiment.service,
    });
  }
  const teamLimit = policy.maxActivePerTeam[experiment.team];
  if (teamLimit !== undefined) {
    scopes.push({
      label: `team ${experiment.team}`,
      limit: teamLimit,
      contains: (other) => other.team === experiment.team,
    });
  }
  return scopes;
}

function byKeyOf(snapshot: SchedulerSnapshot): Map<string, SchedulerExperiment> {
  return new Map(snapshot.experiments.map((experiment) => [experiment.key, experiment]));
}

type DecisionCheck = (scenario: Scenario, decision: SchedulerDecision) => void;

function property(check: DecisionCheck): void;
function property(options: { numRuns: number }, check: DecisionCheck): void;
function property(first: DecisionCheck | { numRuns: number }, second?: DecisionCheck): void {
  const [options, check] = typeof first === 'function' ? [{}, first] : [first, second!];
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      check(scenario, decide(scenario.snapshot, scenario.nowMs));
    }),
    { ...RUNS, ...options },
  );
}

// ---------------------------------------------------------------------------------------------
// Properties

describe('decide: properties over generated snapshots', () => {
  it('the generator keeps snapshots consistent with the lifecycle and produces every state', () => {
    const seen = new Set<ExperimentState>();
    fc.assert(
      fc.property(scenarioArb, ({ snapshot }) => {
        const byKey = byKeyOf(snapshot);
        const used = new Map<string, number>();
        for (const experiment of snapshot.experiments) {
          seen.add(experiment.state);
          if (!ACTIVE.has(experiment.state)) continue;
          used.set(
            experiment.layer,
            (used.get(experiment.layer) ?? 0) + experiment.exposurePercent,
          );
          for (const key of experiment.requires) expect(byKey.get(key)?.state).toBe('completed');
          for (const key of experiment.after) expect(ENDED.has(byKey.get(key)!.state)).toBe(true);
          for (const other of snapshot.experiments) {
            if (other !== experiment && ACTIVE.has(other.state))
              expect(excludesEachOther(experiment, other)).toBe(false);
          }
        }
        for (const total of used.values()) expect(total).toBeLessThanOrEqual(100 + EPSILON);
      }),
      RUNS,
    );
    for (const state of [
      'queued',
      'pending_approval',
      'running',
      'paused',
      'completed',
      'rolled_back',
      'aborted',
    ] as const) {
      expect(seen.has(state), `generator never produced ${state}`).toBe(true);
    }
  });

  it('starts an experiment only when every gate passes: requires completed, afters ended, no excluded partner active', () => {
    property(({ snapshot, nowMs }, decision) => {
      const byKey = byKeyOf(snapshot);
      const startedKeys = new Set(decision.starts.map((start) => start.key));
      const activeOrStarted = (key: string) =>
        startedKeys.has(key) || ACTIVE.has(byKey.get(key)?.state ?? 'draft');
      for (const start of decision.starts) {
        const experiment = byKey.get(start.key)!;
        for (const key of experiment.requires) {
          expect(byKey.get(key)?.state, `${start.key} started before ${key} completed`).toBe(
            'completed',
          );
        }
        for (const key of experiment.after) {
          const state = byKey.get(key)?.state;
          expect(
            state !== undefined && ENDED.has(state),
            `${start.key} started before ${key} ended`,
          ).toBe(true);
        }
        for (const other of snapshot.experiments) {
          if (other.key === experiment.key || !excludesEachOther(experiment, other)) continue;
          expect(
            activeOrStarted(other.key),
            `${start.key} started while ${other.key} (excluded) is active`,
          ).toBe(false);
        }
        const first = experiment.stages[0]!;
        if (first.approve) expect(experiment.approvedStages).toContain(0);
        if (experiment.notBeforeMs !== null)
          expect(nowMs).toBeGreaterThanOrEqual(experiment.notBeforeMs);
        if (experiment.notAfterMs !== null)
          expect(nowMs).toBeLessThanOrEqual(experiment.notAfterMs);
      }
    });
  });

  it('starts only queued experiments, once each, at their first stage; pending_approval never starts', () => {
    property(({ snapshot }, decision) => {
      const byKey = byKeyOf(snapshot);
      expect(new Set(decision.starts.map((start) => start.key)).size).toBe(decision.starts.length);
      for (const start of decision.starts) {
        const experiment = byKey.get(start.key)!;
        expect(experiment.state).toBe('queued');
        expect(start.percent).toBe(experiment.stages[0]!.percent);
        expect(start.version).toBe(experiment.version);
      }
      for (const ramp of decision.ramps) {
        const experiment = byKey.get(ramp.key)!;
        expect(experiment.state).toBe('running');
        expect(ramp.fromStageIndex).toBe(experiment.stageIndex);
        expect(ramp.toStageIndex).toBe(experiment.stageIndex + 1);
        expect(ramp.percent).toBe(experiment.stages[ramp.toStageIndex]!.percent);
      }
      for (const completion of decision.completions) {
        const experiment = byKey.get(completion.key)!;
        expect(experiment.state).toBe('running');
        expect(experiment.stageIndex).toBe(experiment.stages.length - 1);
      }
    });
  });

  it('ramps and completes only with the hold time elapsed, guardrails passing and the stage approved', () => {
    property(({ snapshot, nowMs }, decision) => {
      const byKey = byKeyOf(snapshot);
      for (const moved of [...decision.ramps, ...decision.completions]) {
        const experiment = byKey.get(moved.key)!;
        const stage = experiment.stages[experiment.stageIndex]!;
        expect(nowMs - experiment.stageStartedAtMs!).toBeGreaterThanOrEqual(stage.holdMs);
        expect([null, 'pass']).toContain(experiment.guardrailVerdict);
      }
      for (const ramp of decision.ramps) {
        const experiment = byKey.get(ramp.key)!;
        if (experiment.stages[ramp.toStageIndex]!.approve)
          expect(experiment.approvedStages).toContain(ramp.toStageIndex);
      }
    });
  });

  it('never leaves a layer above 100% once starts and ramps are applied', () => {
    property(({ snapshot }, decision) => {
      for (const [layer, total] of layerExposure(applyStartsAndRamps(snapshot, decision))) {
        expect(total, `layer ${layer}`).toBeLessThanOrEqual(100 + EPSILON);
      }
    });
  });

  it('never exceeds a concurrency cap (global, per service, per team) by starting', () => {
    property(({ snapshot }, decision) => {
      const { policy } = snapshot;
      const byKey = byKeyOf(snapshot);
      const started = decision.starts.map((start) => byKey.get(start.key)!);
      const activeBefore = snapshot.experiments.filter((experiment) =>
        ACTIVE.has(experiment.state),
      );
      const check = (
        label: string,
        limit: number | null | undefined,
        inScope: (experiment: SchedulerExperiment) => boolean,
      ) => {
        if (limit === null || limit === undefined) return;
        const startedInScope = started.filter(inScope).length;
        if (startedInScope === 0) return;
        expect(
          activeBefore.filter(inScope).length + startedInScope,
          `${label} cap ${limit}`,
        ).toBeLessThanOrEqual(limit);
      };
      check('global', policy.maxActiveGlobal, () => true);
      for (const service of SERVICES)
        check(
          `service ${service}`,
          policy.maxActivePerService[service],
          (e) => e.service === service,
        );
      for (const team of TEAMS)
        check(`team ${team}`, policy.maxActivePerTeam[team], (e) => e.team === team);
    });
  });

  it('starts and ramps nothing under a freeze covering now, or with the error budget too low or burning too fast', () => {
    property(({ snapshot, nowMs }, decision) => {
      const byKey = byKeyOf(snapshot);
      for (const moved of [...decision.starts, ...decision.ramps]) {
        const { service } = byKey.get(moved.key)!;
        expect(
          freezeCovers(snapshot.policy, service, nowMs),
          `${moved.kind} ${moved.key} under a freeze`,
        ).toBeUndefined();
        expect(
          budgetViolated(snapshot.policy, service),
          `${moved.kind} ${moved.key} over budget`,
        ).toBe(false);
      }
    });
  });

  // DESIGN §4: order is priority desc, then enqueue (seq) asc. For a queued H that did not start
  // and is blocked only by layer capacity / concurrency, no start S later in that order may
  // (a) go into H's layer when H lacks layer room, (b) happen at all when H is at the global cap,
  // (c) go into H's service/team when H is at that cap, (d) leave H's layer without room for H's
  // first stage, or (e) leave a cap H counts against without a slot for H.
  it('has no priority inversion: a lower-priority start never takes capacity a blocked higher one needs', () => {
    // Capacity-only blocking with a lower-ranked start is a minority of cases: run more of them.
    property({ numRuns: 2_000 }, ({ snapshot }, decision) => {
      const byKey = byKeyOf(snapshot);
      const rank = schedulingOrder(snapshot.experiments);
      const startedKeys = new Set(decision.starts.map((start) => start.key));
      const started = decision.starts.map((start) => byKey.get(start.key)!);
      const applied = applyStartsAndRamps(snapshot, decision);
      const finalLayerUsed = layerExposure(applied);
      const finalActive = applied
        .filter((entry) => ACTIVE.has(entry.state))
        .map((entry) => entry.experiment);
      for (const entry of decision.blocked) {
        const higher = byKey.get(entry.key)!;
        if (higher.state !== 'queued' || startedKeys.has(higher.key)) continue;
        if (
          entry.reasons.length === 0 ||
          !entry.reasons.every((r) => r.kind === 'layer_capacity' || r.kind === 'concurrency')
        )
          continue;
        const blockedBy = (scope: 'global' | 'service' | 'team') =>
          entry.reasons.some((reason) => reason.kind === 'concurrency' && reason.scope === scope);
        const layerBlocked = entry.reasons.some((reason) => reason.kind === 'layer_capacity');
        for (const lower of started) {
          if (rank.get(lower.key)! < rank.get(higher.key)!) continue;
          const what = `${lower.key} started past ${higher.key}`;
          if (layerBlocked) expect(lower.layer, `${what} in its layer`).not.toBe(higher.layer);
          expect(blockedBy('global'), `${what} under the global cap`).toBe(false);
          if (blockedBy('service'))
            expect(lower.service, `${what} in its service`).not.toBe(higher.service);
          if (blockedBy('team')) expect(lower.team, `${what} in its team`).not.toBe(higher.team);
          if (lower.layer === higher.layer) {
            const free = 100 - (finalLayerUsed.get(higher.layer) ?? 0);
            expect(
              free + EPSILON,
              `${what} and left too little room in ${higher.layer}`,
            ).toBeGreaterThanOrEqual(higher.stages[0]!.percent);
          }
          // The same reading for concurrency slots: a lower start in a capped scope of the higher
          // one leaves a slot for it.
          for (const scope of capScopesOf(snapshot.policy, higher)) {
            if (!scope.contains(lower)) continue;
            const activeAfter = finalActive.filter(scope.contains).length;
            expect(
              activeAfter + 1,
              `${what} and took the last ${scope.label} slot`,
            ).toBeLessThanOrEqual(scope.limit);
          }
        }
      }
    });
  });

  it('is deterministic: same snapshot and clock, in any order of experiments, give the same decision', () => {
    fc.assert(
      fc.property(scenarioArb, ({ snapshot, nowMs, permutation }) => {
        const before = structuredClone(snapshot);
        const decision = decide(snapshot, nowMs);
        expect(snapshot, 'decide must not change its input').toEqual(before);
        expect(decide(snapshot, nowMs)).toEqual(decision);
        const shuffled: SchedulerSnapshot = {
          ...snapshot,
          experiments: permutation.map((index) => snapshot.experiments[index]!),
        };
        expect(decide(shuffled, nowMs)).toEqual(decision);
      }),
      RUNS,
    );
  });

  it('accounts for every experiment: each waiting one is listed with reasons, each reason has a message', () => {
    property(({ snapshot }, decision) => {
      const startedKeys = new Set(decision.starts.map((start) => start.key));
      const blocked = new Map(decision.blocked.map((entry) => [entry.key, entry]));
      const movedKeys = new Set(
        [...decision.ramps, ...decision.completions].map((entry) => entry.key),
      );
      const held = new Map(decision.held.map((entry) => [entry.key, entry]));
      expect(blocked.size).toBe(decision.blocked.length);
      expect(held.size).toBe(decision.held.length);
      for (const experiment of snapshot.experiments) {
        if (experiment.state === 'queued' || experiment.state === 'pending_approval') {
          expect(startedKeys.has(experiment.key)).toBe(!blocked.has(experiment.key));
          if (!startedKeys.has(experiment.key))
            expect(blocked.get(experiment.key)!.reasons.length).toBeGreaterThan(0);
          if (experiment.state === 'pending_approval') {
            expect(
              blocked
                .get(experiment.key)!
                .reasons.some((reason) => reason.kind === 'awaiting_approval'),
            ).toBe(true);
          }
        } else if (experiment.state === 'running') {
          expect(movedKeys.has(experiment.key), `${experiment.key} both moved and held`).toBe(
            !held.has(experiment.key),
          );
          if (held.has(experiment.key))
            expect(held.get(experiment.key)!.reasons.length).toBeGreaterThan(0);
        } else {
          expect(
            blocked.has(experiment.key) ||
              held.has(experiment.key) ||
              startedKeys.has(experiment.key) ||
              movedKeys.has(experiment.key),
          ).toBe(false);
        }
      }
      for (const entry of [...decision.blocked, ...decision.held]) {
        const messages = entry.reasons.map((reason) => reason.message);
        for (const message of messages) expect(message.trim()).not.toBe('');
        expect(
          new Set(messages).size,
          `${entry.key} lists a reason twice: ${messages.join(' | ')}`,
        ).toBe(messages.length);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Examples: the blocked reasons people read (DESIGN §3)

function experiment(
  overrides: Partial<SchedulerExperiment> & { key: string },
): SchedulerExperiment {
  return {
    seq: 1,
    version: 1,
    state: 'queued',
    priority: 50,
    risk: 'medium',
    service: 'checkout',
    team: 'payments',
    layer: 'checkout-ui',
    stages: [
      { percent: 5, holdMs: 30 * MINUTE, approve: false },
      { percent: 25, holdMs: 2 * HOUR, approve: true },
      { percent: 100, holdMs: HOUR, approve: false },
    ],
    stageIndex: -1,
    exposurePercent: 0,
    stageStartedAtMs: null,
    notBeforeMs: null,
    notAfterMs: null,
    requires: [],
    excludes: [],
    after: [],
    approvedStages: [],
    guardrailVerdict: null,
    ...overrides,
  };
}

function running(
  key: string,
  stageIndex: number,
  overrides: Partial<SchedulerExperiment> = {},
): SchedulerExperiment {
  const base = experiment({ key, ...overrides });
  return {
    ...base,
    state: 'running',
    stageIndex,
    exposurePercent: base.stages[stageIndex]!.percent,
    stageStartedAtMs: BASE_MS - 5 * MINUTE,
    approvedStages: [0, 1, 2],
    guardrailVerdict: 'pass',
    ...overrides,
  };
}

function reasonsFor(
  snapshot: SchedulerSnapshot,
  key: string,
  nowMs = BASE_MS,
): readonly BlockedReason[] {
  const decision = decide(snapshot, nowMs);
  const entry = [...decision.blocked, ...decision.held].find((candidate) => candidate.key === key);
  if (!entry) throw new Error(`${key} is not blocked: ${JSON.stringify(decision)}`);
  return entry.reasons;
}

function messagesFor(snapshot: SchedulerSnapshot, key: string, nowMs = BASE_MS): string[] {
  return reasonsFor(snapshot, key, nowMs).map((reason) => reason.message);
}

describe('decide: blocked reason messages', () => {
  it('names an unfinished prerequisite with its stage', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('payments-api-v3', 1, { layer: 'payments-api', seq: 1 }),
        experiment({ key: 'checkout-v2', seq: 2, requires: ['payments-api-v3'] }),
      ],
      policy: DEFAULT_POLICY,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'requires payments-api-v3 (running, stage 2/3)',
    ]);
    expect(reasonsFor(snapshot, 'checkout-v2')[0]).toMatchObject({
      kind: 'requires',
      key: 'payments-api-v3',
      state: 'running',
      stageIndex: 1,
      stageCount: 3,
    });
  });

  it('names a prerequisite that can never complete, or does not exist', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        experiment({ key: 'payments-api-v3', state: 'rolled_back', layer: 'payments-api' }),
        experiment({ key: 'checkout-v2', seq: 2, requires: ['payments-api-v3', 'ghost-key'] }),
      ],
      policy: DEFAULT_POLICY,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'requires payments-api-v3 (rolled_back: it can never complete)',
      'requires ghost-key (missing)',
    ]);
  });

  it('names an active excluded partner, from either side of the exclusion', () => {
    const copy = running('checkout-copy', 0, { layer: 'checkout-copy', seq: 1 });
    const listedHere = {
      experiments: [copy, experiment({ key: 'checkout-v2', seq: 2, excludes: ['checkout-copy'] })],
      policy: DEFAULT_POLICY,
    };
    const listedThere = {
      experiments: [
        { ...copy, excludes: ['checkout-v2'] },
        experiment({ key: 'checkout-v2', seq: 2 }),
      ],
      policy: DEFAULT_POLICY,
    };
    const listedBoth = {
      experiments: [
        { ...copy, excludes: ['checkout-v2'] },
        experiment({ key: 'checkout-v2', seq: 2, excludes: ['checkout-copy'] }),
      ],
      policy: DEFAULT_POLICY,
    };
    for (const snapshot of [listedHere, listedThere, listedBoth]) {
      expect(messagesFor(snapshot, 'checkout-v2')).toEqual(['excludes checkout-copy (running)']);
    }
  });

  it('names a partner started earlier in the same tick', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        experiment({ key: 'checkout-copy', seq: 1, priority: 90, layer: 'checkout-copy' }),
        experiment({ key: 'checkout-v2', seq: 2, excludes: ['checkout-copy'] }),
      ],
      policy: DEFAULT_POLICY,
    };
    const decision = decide(snapshot, BASE_MS);
    expect(decision.starts.map((start) => start.key)).toEqual(['checkout-copy']);
    expect(decision.blocked).toEqual([
      {
        key: 'checkout-v2',
        state: 'queued',
        reasons: [expect.objectContaining({ message: 'excludes checkout-copy (running)' })],
      },
    ]);
  });

  it('says how much of the layer is free and how much the first stage needs', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('checkout-banner', 0, {
          seq: 1,
          stages: [{ percent: 80, holdMs: HOUR, approve: false }],
        }),
        experiment({
          key: 'checkout-v2',
          seq: 2,
          stages: [{ percent: 25, holdMs: HOUR, approve: false }],
        }),
      ],
      policy: DEFAULT_POLICY,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'layer checkout-ui has 20% free, needs 25%',
    ]);
  });

  it('names the freeze window with its end', () => {
    const policy: SchedulerPolicy = {
      ...DEFAULT_POLICY,
      freezes: [
        {
          id: 1,
          service: null,
          startsAtMs: BASE_MS - HOUR,
          endsAtMs: Date.UTC(2026, 11, 1, 18),
          reason: 'Black Friday',
        },
      ],
    };
    const snapshot: SchedulerSnapshot = {
      experiments: [experiment({ key: 'checkout-v2' })],
      policy,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'freeze window until 18:00 UTC (Black Friday)',
    ]);
    expect(messagesFor(snapshot, 'checkout-v2')[0]).toMatch(/^freeze window until 18:00 UTC/);
    expect(reasonsFor(snapshot, 'checkout-v2')[0]).toMatchObject({
      kind: 'freeze',
      service: null,
      untilMs: Date.UTC(2026, 11, 1, 18),
    });
  });

  it('names a per-service freeze, with the date when it ends on another day, and ignores other services', () => {
    const policy: SchedulerPolicy = {
      ...DEFAULT_POLICY,
      freezes: [
        {
          id: 1,
          service: 'checkout',
          startsAtMs: BASE_MS - HOUR,
          endsAtMs: Date.UTC(2026, 11, 3, 9),
          reason: 'incident',
        },
        {
          id: 2,
          service: 'search',
          startsAtMs: BASE_MS - HOUR,
          endsAtMs: BASE_MS + HOUR,
          reason: 'reindex',
        },
      ],
    };
    const snapshot: SchedulerSnapshot = {
      experiments: [experiment({ key: 'checkout-v2' })],
      policy,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'freeze window on checkout until 2026-12-03 09:00 UTC (incident)',
    ]);
  });

  it('names a low error budget and a fast burn rate against the policy', () => {
    const policy: SchedulerPolicy = {
      ...DEFAULT_POLICY,
      budgets: { checkout: { service: 'checkout', remainingFraction: 0.03, burnRate: 3 } },
    };
    const snapshot: SchedulerSnapshot = {
      experiments: [experiment({ key: 'checkout-v2' })],
      policy,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'error budget of checkout at 3% (policy minimum 10%)',
      'error budget of checkout burning at 3x (policy maximum 2x)',
    ]);
  });

  it('says a pending experiment awaits approval', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [experiment({ key: 'checkout-v2', state: 'pending_approval', risk: 'high' })],
      policy: DEFAULT_POLICY,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual(['awaiting approval']);
  });

  it('says it is before notBefore, and lets it start from notBefore on', () => {
    const notBeforeMs = BASE_MS + 2 * HOUR;
    const snapshot: SchedulerSnapshot = {
      experiments: [experiment({ key: 'checkout-v2', notBeforeMs })],
      policy: DEFAULT_POLICY,
    };
    const messages = messagesFor(snapshot, 'checkout-v2');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^before notBefore/);
    expect(messages[0]).toContain('14:00 UTC');
    expect(decide(snapshot, notBeforeMs).starts.map((start) => start.key)).toEqual(['checkout-v2']);
  });

  it('says why a concurrency cap blocks, and who a held slot is kept for', () => {
    const policy: SchedulerPolicy = { ...DEFAULT_POLICY, maxActiveGlobal: 2 };
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('search-v2', 0, { seq: 1, layer: 'search', service: 'search' }),
        // Higher priority, but its layer is full: it keeps the last global slot for itself.
        running('checkout-banner', 0, {
          seq: 2,
          stages: [{ percent: 100, holdMs: HOUR, approve: false }],
        }),
        experiment({ key: 'checkout-v2', seq: 3, priority: 90 }),
        experiment({
          key: 'ranking-v4',
          seq: 4,
          priority: 10,
          layer: 'ranking',
          service: 'search',
        }),
      ],
      policy,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'layer checkout-ui has 0% free, needs 5%',
      'global concurrency cap reached (2/2 active)',
    ]);
    expect(messagesFor(snapshot, 'ranking-v4')).toEqual([
      'global concurrency cap reached (2/2 active)',
    ]);

    const roomy: SchedulerSnapshot = {
      ...snapshot,
      policy: { ...DEFAULT_POLICY, maxActiveGlobal: 3 },
    };
    expect(messagesFor(roomy, 'ranking-v4')).toEqual([
      'global concurrency cap (3): the last slot is held for higher-priority checkout-v2',
    ]);
    expect(decide(roomy, BASE_MS).starts).toEqual([]);
  });

  it('keeps layer capacity for a higher-priority experiment blocked only by it', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('checkout-banner', 0, {
          seq: 1,
          stages: [{ percent: 80, holdMs: HOUR, approve: false }],
        }),
        experiment({
          key: 'checkout-v2',
          seq: 2,
          priority: 90,
          stages: [{ percent: 25, holdMs: HOUR, approve: false }],
        }),
        experiment({
          key: 'checkout-copy',
          seq: 3,
          priority: 10,
          stages: [{ percent: 10, holdMs: HOUR, approve: false }],
        }),
      ],
      policy: DEFAULT_POLICY,
    };
    expect(decide(snapshot, BASE_MS).starts).toEqual([]);
    expect(messagesFor(snapshot, 'checkout-copy')).toEqual([
      'layer checkout-ui capacity is held for higher-priority checkout-v2 (0% left, needs 10%)',
    ]);
  });

  it('holds a ramp and says why: hold time, guardrails, approval, freeze', () => {
    const policy: SchedulerPolicy = {
      ...DEFAULT_POLICY,
      freezes: [
        {
          id: 1,
          service: 'checkout',
          startsAtMs: BASE_MS - HOUR,
          endsAtMs: Date.UTC(2026, 11, 1, 18),
          reason: 'incident',
        },
      ],
    };
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('checkout-v2', 0, {
          approvedStages: [0],
          guardrailVerdict: 'inconclusive',
          stageStartedAtMs: BASE_MS - 10 * MINUTE,
        }),
      ],
      policy,
    };
    expect(messagesFor(snapshot, 'checkout-v2')).toEqual([
      'hold time: 20m left in this stage',
      'guardrails need more data before a verdict',
      'freeze window on checkout until 18:00 UTC (incident)',
      'awaiting approval to ramp to stage 2 (25%)',
    ]);
  });

  it('gives the same decision whatever order the snapshot lists experiments in, even with fractional percents', () => {
    // 0.1 + 0.2 + 33.4 and 33.4 + 0.2 + 0.1 are different doubles; the free room must not differ.
    const runningAt = (key: string, seq: number, percent: number) =>
      running(key, 0, {
        seq,
        layer: 'ui',
        stages: [{ percent, holdMs: 10 * HOUR, approve: false }],
      });
    const experiments = [
      runningAt('aa', 1, 0.1),
      runningAt('bb', 2, 0.2),
      runningAt('cc', 3, 33.4),
      experiment({
        key: 'dd',
        seq: 4,
        layer: 'ui',
        stages: [{ percent: 75, holdMs: HOUR, approve: false }],
      }),
    ];
    const forward = decide({ experiments, policy: DEFAULT_POLICY }, BASE_MS);
    const backward = decide(
      { experiments: [...experiments].reverse(), policy: DEFAULT_POLICY },
      BASE_MS,
    );
    expect(backward).toEqual(forward);
    expect(forward.blocked[0]?.reasons[0]?.message).toBe('layer ui has 66.3% free, needs 75%');
  });

  it('ramps a running experiment whose gates pass, before starting new ones in the same layer', () => {
    const snapshot: SchedulerSnapshot = {
      experiments: [
        running('checkout-v2', 1, { seq: 1, stageStartedAtMs: BASE_MS - 3 * HOUR }),
        experiment({
          key: 'checkout-copy',
          seq: 2,
          priority: 90,
          stages: [{ percent: 5, holdMs: HOUR, approve: false }],
        }),
      ],
      policy: DEFAULT_POLICY,
    };
    const decision = decide(snapshot, BASE_MS);
    expect(decision.ramps).toEqual([
      {
        kind: 'ramp',
        key: 'checkout-v2',
        version: 1,
        fromStageIndex: 1,
        toStageIndex: 2,
        percent: 100,
      },
    ]);
    expect(decision.starts).toEqual([]);
    expect(messagesFor(snapshot, 'checkout-copy')).toEqual([
      'layer checkout-ui has 0% free, needs 5%',
    ]);
  });
});
