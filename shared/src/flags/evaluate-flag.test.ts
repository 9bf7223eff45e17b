import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExperimentState } from '../lifecycle';
import { BUCKETS, bucketOf } from './bucket';
import type { FlagExperiment } from './evaluate-flag';
import { evaluateFlag } from './evaluate-flag';

const LAYER = 'checkout-ui';
const HALF: FlagExperiment = {
  key: 'checkout-v2',
  layer: LAYER,
  state: 'running',
  allocation: [{ start: 0, end: BUCKETS / 2 }],
};

// Units chosen by their bucket, so each test knows which side of the allocation they fall on.
function unitsWhere(inside: boolean, count: number): string[] {
  const units: string[] = [];
  for (let i = 0; units.length < count; i++) {
    if (bucketOf(LAYER, `user-${i}`) < BUCKETS / 2 === inside) units.push(`user-${i}`);
  }
  return units;
}
const INSIDE = unitsWhere(true, 50);
const OUTSIDE = unitsWhere(false, 50);

describe('evaluateFlag', () => {
  it('splits a running experiment by the unit’s bucket', () => {
    for (const unit of INSIDE) {
      expect(evaluateFlag(HALF, unit)).toEqual({
        key: 'checkout-v2',
        value: true,
        variant: 'treatment',
        reason: 'SPLIT',
        bucket: bucketOf(LAYER, unit),
      });
    }
    for (const unit of OUTSIDE) {
      expect(evaluateFlag(HALF, unit)).toMatchObject({ value: false, variant: 'control' });
    }
  });

  it('keeps the current exposure while paused', () => {
    const paused = { ...HALF, state: 'paused' as const };
    for (const unit of [...INSIDE, ...OUTSIDE]) {
      expect(evaluateFlag(paused, unit)).toEqual(evaluateFlag(HALF, unit));
    }
  });

  it('serves treatment to everyone once completed, even with no allocation', () => {
    const completed = { ...HALF, state: 'completed' as const, allocation: [] };
    for (const unit of [...INSIDE, ...OUTSIDE, undefined]) {
      expect(evaluateFlag(completed, unit)).toEqual({
        key: 'checkout-v2',
        value: true,
        variant: 'treatment',
        reason: 'STATIC',
      });
    }
  });

  it.each<ExperimentState>(['draft', 'pending_approval', 'queued', 'rolled_back', 'aborted'])(
    'serves control to everyone while %s, whatever allocation is left over',
    (state) => {
      const everyone = { ...HALF, state, allocation: [{ start: 0, end: BUCKETS }] };
      for (const unit of [...INSIDE, ...OUTSIDE, undefined]) {
        expect(evaluateFlag(everyone, unit)).toEqual({
          key: 'checkout-v2',
          value: false,
          variant: 'control',
          reason: 'DISABLED',
        });
      }
    },
  );

  it.each([undefined, ''])('refuses to split without a targeting key (%j)', (targetingKey) => {
    expect(evaluateFlag(HALF, targetingKey)).toMatchObject({
      value: false,
      variant: 'control',
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it('gives the same unit the same answer every time', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: BUCKETS }),
        (unit, end) => {
          const experiment = { ...HALF, allocation: end > 0 ? [{ start: 0, end }] : [] };
          const first = evaluateFlag(experiment, unit);
          expect(evaluateFlag({ ...experiment }, unit)).toEqual(first);
          expect(first.value).toBe(bucketOf(LAYER, unit) < end);
        },
      ),
    );
  });
});
