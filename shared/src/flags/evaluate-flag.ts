// DESIGN §5: each experiment is also a boolean feature flag under its key. `true` is treatment.
// Reasons are OpenFeature's resolution reasons, so OFREP can pass them through unchanged:
//   SPLIT    running or paused: the unit's bucket decides (paused keeps the current allocation)
//   STATIC   completed: treatment for everyone, whatever the bucket
//   DISABLED not serving yet or any more (draft, pending_approval, queued, rolled_back, aborted)
//   ERROR    a split needs a targeting key and none was given; control is the safe answer

import type { ExperimentState } from '../lifecycle';
import { assertNever } from '../lifecycle';
import { bucketOf } from './bucket';
import type { Allocation } from './bucket-ranges';
import { containsBucket } from './bucket-ranges';

export type FlagVariant = 'treatment' | 'control';

export interface FlagExperiment {
  readonly key: string;
  readonly layer: string;
  readonly state: ExperimentState;
  readonly allocation: Allocation;
}

interface FlagResolution<Reason extends string> {
  key: string;
  value: boolean;
  variant: FlagVariant;
  reason: Reason;
}

/** `bucket` is reported for SPLIT so a puzzled client can be told where its unit landed. */
export type FlagResolved = FlagResolution<'SPLIT' | 'STATIC' | 'DISABLED'> & { bucket?: number };
export type FlagError = FlagResolution<'ERROR'> & {
  errorCode: 'TARGETING_KEY_MISSING';
  errorDetails: string;
};
export type FlagEvaluation = FlagResolved | FlagError;

function resolved(key: string, variant: FlagVariant, reason: FlagResolved['reason']): FlagResolved {
  return { key, value: variant === 'treatment', variant, reason };
}

export function evaluateFlag(
  experiment: FlagExperiment,
  targetingKey: string | undefined,
): FlagEvaluation {
  const { key, state } = experiment;
  switch (state) {
    case 'completed':
      return resolved(key, 'treatment', 'STATIC');
    case 'draft':
    case 'pending_approval':
    case 'queued':
    case 'rolled_back':
    case 'aborted':
      return resolved(key, 'control', 'DISABLED');
    case 'running':
    case 'paused':
      return split(experiment, targetingKey);
    default:
      return assertNever(state, 'experiment state');
  }
}

function split(experiment: FlagExperiment, targetingKey: string | undefined): FlagEvaluation {
  if (targetingKey === undefined || targetingKey === '') {
    return {
      key: experiment.key,
      value: false,
      variant: 'control',
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: `flag ${experiment.key} splits by unit and needs a targetingKey`,
    };
  }
  const bucket = bucketOf(experiment.layer, targetingKey);
  const variant = containsBucket(experiment.allocation, bucket) ? 'treatment' : 'control';
  return { ...resolved(experiment.key, variant, 'SPLIT'), bucket };
}
