import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_STATES } from '../../../shared/src/lifecycle';
import { flagChangeOf, mayChangeFlag, type FlagChangeSource } from './flag-changes';

const AT = Date.parse('2026-11-22T09:00:00Z');

function row(
  action: string,
  fromState: string | null,
  toState: string | null,
  details: Record<string, unknown> = {},
): FlagChangeSource {
  return {
    seq: 42,
    at: AT,
    action,
    experimentKey: 'checkout-v2',
    fromState,
    toState,
    detailsJson: JSON.stringify(details),
  };
}

describe('flagChangeOf', () => {
  it('reads the new exposure of a start and of a ramp from the audit details', () => {
    expect(
      flagChangeOf(row('experiment.start', 'queued', 'running', { exposurePercent: 10 }), 2),
    ).toEqual({
      key: 'checkout-v2',
      state: 'running',
      percent: 10,
      variantForAll: null,
      version: 2,
      seq: 42,
      at: AT,
    });
    const ramp = row('experiment.advance', 'running', 'running', {
      fromStage: 1,
      toStage: 2,
      percent: 50,
      stage: 2,
      exposurePercent: 50,
    });
    expect(flagChangeOf(ramp, 3)).toMatchObject({ state: 'running', percent: 50, version: 3 });
  });

  it('keeps the exposure on pause and resume: only the state changes', () => {
    expect(
      flagChangeOf(row('experiment.pause', 'running', 'paused', { exposurePercent: 25 }), 4),
    ).toMatchObject({ state: 'paused', percent: 25, variantForAll: null });
    expect(
      flagChangeOf(row('experiment.resume', 'paused', 'running', { exposurePercent: 25 }), 5),
    ).toMatchObject({ state: 'running', percent: 25, variantForAll: null });
  });

  it('serves treatment to everyone on completion, whatever the last stage said', () => {
    expect(
      flagChangeOf(row('experiment.complete', 'running', 'completed', { exposurePercent: 50 }), 6),
    ).toMatchObject({ state: 'completed', percent: 100, variantForAll: 'treatment' });
  });

  it('serves control to everyone after a rollback, from any live state', () => {
    for (const from of ['running', 'paused', 'completed']) {
      expect(
        flagChangeOf(row('experiment.rollback', from, 'rolled_back', { exposurePercent: 0 }), 7),
      ).toMatchObject({ state: 'rolled_back', percent: 0, variantForAll: 'control' });
    }
  });

  it('reports an abort only when the experiment was serving', () => {
    for (const from of ['running', 'paused']) {
      expect(flagChangeOf(row('experiment.abort', from, 'aborted'), 3)).toMatchObject({
        state: 'aborted',
        percent: 0,
        variantForAll: 'control',
      });
    }
    for (const from of ['draft', 'pending_approval', 'queued']) {
      expect(flagChangeOf(row('experiment.abort', from, 'aborted'), 2)).toBeNull();
    }
  });

  it('ignores changes that leave every answer as it was, and rows of other kinds', () => {
    expect(flagChangeOf(row('experiment.enqueue', null, 'queued'), 1)).toBeNull();
    expect(flagChangeOf(row('experiment.submit', 'draft', 'queued'), 2)).toBeNull();
    expect(flagChangeOf(row('experiment.approve', 'running', 'running'), 3)).toBeNull();
    expect(flagChangeOf(row('policy.freeze', null, null), 0)).toBeNull();
    const keyless = { ...row('experiment.start', 'queued', 'running'), experimentKey: null };
    expect(flagChangeOf(keyless, 1)).toBeNull();
    expect(mayChangeFlag(row('token.create', null, null))).toBe(false);
  });

  it('treats a missing or malformed exposure as 0 rather than failing the stream', () => {
    const broken = { ...row('experiment.pause', 'running', 'paused'), detailsJson: 'not json' };
    expect(flagChangeOf(broken, 2)).toMatchObject({ percent: 0 });
    expect(
      flagChangeOf(row('experiment.start', 'queued', 'running', { exposurePercent: 'x' }), 2),
    ).toMatchObject({ percent: 0 });
  });

  it('always gives an exposure and a variant that agree with the state', () => {
    const actions = ['enqueue', 'submit', 'approve', 'start', 'advance', 'pause', 'resume']
      .concat(['complete', 'rollback', 'abort'])
      .map((action) => `experiment.${action}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...actions),
        fc.constantFrom(...EXPERIMENT_STATES),
        fc.constantFrom(...EXPERIMENT_STATES),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.nat(),
        (action, fromState, toState, exposurePercent, version) => {
          const change = flagChangeOf(
            row(action, fromState, toState, { exposurePercent }),
            version,
          );
          if (change === null) return;
          expect(change.percent).toBeGreaterThanOrEqual(0);
          expect(change.percent).toBeLessThanOrEqual(100);
          expect(change.version).toBe(version);
          if (change.variantForAll === 'treatment') expect(change.percent).toBe(100);
          if (change.variantForAll === 'control') expect(change.percent).toBe(0);
          if (change.variantForAll === null) expect(change.percent).toBe(exposurePercent);
        },
      ),
    );
  });
});
