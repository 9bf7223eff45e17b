import type { ExperimentView } from '../../../shared/src/api-types';
import { formatPercent } from '../../../shared/src/blocked-reasons';

/** "just now", "12m", "3h 5m", "2d 4h": how long an experiment has been in its state. */
export function formatTimeInState(elapsedMs: number): string {
  const minutes = Math.floor(Math.max(0, elapsedMs) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

/** Where the experiment is in its ramp. */
export function stageLabel(experiment: ExperimentView): string {
  const { state, stageIndex, stageCount } = experiment;
  switch (state) {
    case 'running':
    case 'paused':
      return `stage ${stageIndex + 1}/${stageCount}`;
    case 'completed':
      return `stage ${stageCount}/${stageCount}, done`;
    case 'rolled_back':
    case 'aborted':
      return stageIndex >= 0 ? `stopped at ${stageIndex + 1}/${stageCount}` : 'never started';
    default:
      return 'not started';
  }
}

export function exposureLabel(experiment: ExperimentView): string {
  return formatPercent(experiment.exposurePercent);
}
