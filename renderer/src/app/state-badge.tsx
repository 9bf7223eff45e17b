import type { ExperimentState } from '../../../shared/src/lifecycle';
import { stateLabel } from '../../../shared/src/state-label';

/** A state as a coloured pill; the colours live in app.css (`--state-*`), shared by every view. */
export function StateBadge({ state }: { state: ExperimentState }) {
  return <span className={`state-badge state-badge--${state}`}>{stateLabel(state)}</span>;
}
