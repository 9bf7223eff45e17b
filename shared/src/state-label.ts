import type { ExperimentState } from './lifecycle';

const LABELS: Record<ExperimentState, string> = {
  draft: 'draft',
  pending_approval: 'pending approval',
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  completed: 'completed',
  rolled_back: 'rolled back',
  aborted: 'aborted',
};

/** How a state reads to a person, in the console and in Slack ("rolled back", not "rolled_back"). */
export function stateLabel(state: string): string {
  return Object.hasOwn(LABELS, state) ? LABELS[state as ExperimentState] : state.replace(/_/g, ' ');
}
