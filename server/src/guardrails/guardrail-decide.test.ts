import { describe, expect, it } from 'vitest';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import { evaluateGuardrail } from './evaluate-guardrail';
import { decideGuardrails, type GuardrailCheck } from './guardrail-decide';

const MINUTE_MS = 60_000;
const STARTED_MS = 1_000_000;

function check(
  action: Guardrail['action'],
  errors: [number, number],
  sli = 'error_rate',
): GuardrailCheck {
  const guardrail: Guardrail = { sli, maxRelative: 0.1, windowMs: MINUTE_MS, action };
  const evaluation = evaluateGuardrail(
    guardrail,
    { kind: 'ratio', successes: errors[0], trials: 20_000 },
    { kind: 'ratio', successes: errors[1], trials: 20_000 },
  );
  return { guardrail, evaluation };
}

const failing = [400, 200] as [number, number];
const healthy = [200, 200] as [number, number];
const fresh = { key: 'exp', stageStartedAtMs: STARTED_MS, treatmentLastSeenMs: STARTED_MS + 500 };

describe('decideGuardrails', () => {
  it('does nothing when no guardrail fails and telemetry is fresh', () => {
    expect(decideGuardrails(fresh, [check('rollback', healthy)], STARTED_MS + 1_000)).toEqual({
      kind: 'none',
    });
  });

  it("takes a failing guardrail's action with the evidence and the rule", () => {
    const decision = decideGuardrails(fresh, [check('pause', failing)], STARTED_MS + 1_000);
    expect(decision).toMatchObject({
      kind: 'pause',
      reason: 'guardrail_failed',
      sli: 'error_rate',
      rule: 'maxRelative 0.1',
      evidence: { limit: 0.1, samples: { treatment: 20_000, control: 20_000 } },
    });
    if (decision.kind === 'none' || decision.reason !== 'guardrail_failed') throw new Error();
    expect(decision.evidence.estimate).toBeGreaterThan(0.9);
  });

  it('lets rollback win over pause when several fail', () => {
    const checks = [check('pause', failing, 'conversion'), check('rollback', failing)];
    expect(decideGuardrails(fresh, checks, STARTED_MS + 1_000)).toMatchObject({
      kind: 'rollback',
      sli: 'error_rate',
    });
  });

  it('pauses when treatment has been silent for a whole window of a longer stage', () => {
    const silent = { ...fresh, treatmentLastSeenMs: STARTED_MS };
    const nowMs = STARTED_MS + 2 * MINUTE_MS;
    expect(decideGuardrails(silent, [check('rollback', healthy)], nowMs)).toEqual({
      kind: 'pause',
      reason: 'no_data',
      windowMs: MINUTE_MS,
      lastSeenMs: STARTED_MS,
      runningForMs: 2 * MINUTE_MS,
    });
  });

  it('pauses when treatment never sent anything for a whole window', () => {
    const never = { ...fresh, treatmentLastSeenMs: null };
    expect(
      decideGuardrails(never, [check('pause', healthy)], STARTED_MS + MINUTE_MS + 1),
    ).toMatchObject({ kind: 'pause', reason: 'no_data', lastSeenMs: null });
  });

  it('waits while the stage is younger than the window', () => {
    const never = { ...fresh, treatmentLastSeenMs: null };
    expect(decideGuardrails(never, [check('pause', healthy)], STARTED_MS + MINUTE_MS)).toEqual({
      kind: 'none',
    });
  });

  it('ignores silence from before the stage started', () => {
    const stale = { ...fresh, treatmentLastSeenMs: STARTED_MS - 10 * MINUTE_MS };
    expect(decideGuardrails(stale, [check('pause', healthy)], STARTED_MS + 30_000)).toEqual({
      kind: 'none',
    });
  });

  it('does nothing without guardrails', () => {
    expect(decideGuardrails({ ...fresh, treatmentLastSeenMs: null }, [], STARTED_MS + 1e9)).toEqual(
      {
        kind: 'none',
      },
    );
  });

  describe('while a completed experiment bakes', () => {
    const baking = { ...fresh, phase: 'baking' as const };

    it('rolls back on a failing rollback guardrail', () => {
      expect(
        decideGuardrails(baking, [check('rollback', failing)], STARTED_MS + 1_000),
      ).toMatchObject({ kind: 'rollback', reason: 'guardrail_failed' });
    });

    it('pages on a failing pause guardrail: a completed experiment cannot be paused', () => {
      expect(decideGuardrails(baking, [check('pause', failing)], STARTED_MS + 1_000)).toMatchObject(
        {
          kind: 'page',
          reason: 'guardrail_failed',
          sli: 'error_rate',
        },
      );
    });

    it('does nothing about silence', () => {
      const silent = { ...baking, treatmentLastSeenMs: null };
      expect(
        decideGuardrails(silent, [check('rollback', healthy)], STARTED_MS + 10 * MINUTE_MS),
      ).toEqual({ kind: 'none' });
    });
  });
});
