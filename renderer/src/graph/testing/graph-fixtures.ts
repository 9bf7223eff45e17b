import type { ExperimentView } from '../../../../shared/src/api-types';

/** An experiment as experiments.list returns it; override any field. */
export function makeExperiment(
  key: string,
  overrides: Partial<ExperimentView> = {},
): ExperimentView {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    channel: null,
    hypothesis: null,
    service: 'checkout',
    layer: `layer-${key}`,
    priority: 50,
    risk: 'low',
    requires: [],
    excludes: [],
    after: [],
    notBeforeMs: null,
    notAfterMs: null,
    stages: [
      { percent: 10, holdMs: 600_000, approve: false },
      { percent: 50, holdMs: 600_000, approve: false },
      { percent: 100, holdMs: 600_000, approve: false },
    ],
    guardrails: [],
    state: 'queued',
    stageIndex: -1,
    stageCount: 3,
    exposurePercent: 0,
    version: 1,
    author: 'alice',
    seq: 1,
    createdAtMs: 0,
    stateChangedAtMs: 0,
    stageStartedAtMs: null,
    blockedReasons: [],
    ...overrides,
  };
}
