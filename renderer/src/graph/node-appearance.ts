import type { ExperimentView } from '../../../shared/src/api-types';
import { formatPercent, type GuardrailVerdict } from '../../../shared/src/blocked-reasons';

// Colours come from the console's palette (app.css `--state-*`), by class: running blue, paused
// amber, completed green, rolled back red, aborted grey, waiting states neutral.

export const VERDICT_LABELS: Readonly<Record<GuardrailVerdict, string>> = {
  pass: 'guardrails passing',
  fail: 'a guardrail is failing',
  inconclusive: 'guardrails inconclusive: more data needed',
  no_data: 'guardrails have no data',
};

type Staged = Pick<ExperimentView, 'stageIndex' | 'stageCount' | 'exposurePercent'>;

/** "stage 2/3 · 25%"; "stage –/3" before it starts. */
export function stageLabel(experiment: Staged): string {
  if (experiment.stageIndex < 0) return `stage –/${experiment.stageCount}`;
  return `stage ${experiment.stageIndex + 1}/${experiment.stageCount} · ${formatPercent(experiment.exposurePercent)}`;
}
