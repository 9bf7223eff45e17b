// DESIGN §3: the experiment lifecycle.

export const EXPERIMENT_STATES = [
  'draft',
  'pending_approval',
  'queued',
  'running',
  'paused',
  'completed',
  'rolled_back',
  'aborted',
] as const;

export type ExperimentState = (typeof EXPERIMENT_STATES)[number];

export const ACTIVE_STATES: ReadonlySet<ExperimentState> = new Set(['running', 'paused']);
export const LIVE_STATES: ReadonlySet<ExperimentState> = new Set([
  'running',
  'paused',
  'completed',
]);
export const TERMINAL_STATES: ReadonlySet<ExperimentState> = new Set(['rolled_back', 'aborted']);
/** States after which an experiment has "ended" for `after` ordering, however it ended. */
export const ENDED_STATES: ReadonlySet<ExperimentState> = new Set([
  'completed',
  'rolled_back',
  'aborted',
]);

export type TransitionAction =
  | 'submit'
  | 'approve'
  | 'start'
  | 'advance'
  | 'pause'
  | 'resume'
  | 'rollback'
  | 'abort'
  | 'complete';

const ALLOWED_FROM: Record<TransitionAction, readonly ExperimentState[]> = {
  submit: ['draft'],
  approve: ['pending_approval', 'queued', 'running', 'paused'],
  start: ['queued'],
  advance: ['running'],
  pause: ['running'],
  resume: ['paused'],
  rollback: ['running', 'paused', 'completed'],
  abort: ['draft', 'pending_approval', 'queued', 'running', 'paused'],
  complete: ['running'],
};

export function allowedFrom(action: TransitionAction): readonly ExperimentState[] {
  return ALLOWED_FROM[action];
}

export function canTransition(action: TransitionAction, from: ExperimentState): boolean {
  return ALLOWED_FROM[action].includes(from);
}

export function isActive(state: ExperimentState): boolean {
  return ACTIVE_STATES.has(state);
}

export function isLive(state: ExperimentState): boolean {
  return LIVE_STATES.has(state);
}

export function hasEnded(state: ExperimentState): boolean {
  return ENDED_STATES.has(state);
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
