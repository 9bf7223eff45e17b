import { EXPERIMENT_STATES, type ExperimentState } from '../../../shared/src/lifecycle';
import { Link } from '../app/link';
import { StateBadge } from '../app/state-badge';

/** How many experiments are in each state, every state listed so a zero reads as a zero. */
export function StateCounts({ counts }: { counts: Record<ExperimentState, number> }) {
  const total = EXPERIMENT_STATES.reduce((sum, state) => sum + counts[state], 0);
  return (
    <section className="overview-card overview-counts" aria-labelledby="overview-counts-title">
      <h2 id="overview-counts-title">Experiments by state</h2>
      {total === 0 ? (
        <p className="hint">
          No experiment yet. Enqueue one from a spec file:{' '}
          <code>npx runway enqueue checkout-v2.yaml</code>
        </p>
      ) : (
        <>
          <ul className="overview-counts__list" aria-label="Experiments by state">
            {EXPERIMENT_STATES.map((state) => (
              <li key={state} data-state={state}>
                <StateBadge state={state} />
                <span className="overview-counts__count">{counts[state]}</span>
              </li>
            ))}
          </ul>
          <p className="hint">
            {total} in all. <Link to="/queue">Open the queue</Link>
          </p>
        </>
      )}
    </section>
  );
}
