import { useNow } from '../queue/use-queue-experiments';
import { AutomaticActions } from './automatic-actions';
import { BudgetTable } from './budget-table';
import { FreezeList } from './freeze-list';
import { OpenPages } from './open-pages';
import { StateCounts } from './state-counts';
import { useOverview } from './use-overview';
import './overview-view.css';

/** How often "3m ago" and "in 2h" move on between loads. */
const CLOCK_TICK_MS = 15_000;

/**
 * The fleet at a glance (/overview): counts by state, error budgets against the gate, freezes,
 * what Runway did on its own lately, and the pages waiting for a person. Live.
 */
export function OverviewView({ pollMs }: { pollMs?: number }) {
  const { overview, error, reload } = useOverview(pollMs);
  const clockMs = useNow(CLOCK_TICK_MS);

  if (!overview) {
    return (
      <section className="view overview-view" aria-labelledby="overview-title" aria-busy={!error}>
        <h1 id="overview-title">Overview</h1>
        {error ? (
          <div className="notice notice--error">
            <p role="alert">{error}</p>
            <button type="button" className="button" onClick={reload}>
              Try again
            </button>
          </div>
        ) : (
          <p className="hint" role="status">
            Loading the overview…
          </p>
        )}
      </section>
    );
  }
  // The server's clock for what it computed, moved on by the local one between loads.
  const nowMs = Math.max(overview.nowMs, clockMs);
  return (
    <section className="view overview-view" aria-labelledby="overview-title">
      <header className="view__header">
        <h1 id="overview-title">Overview</h1>
      </header>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error} Showing what was last loaded.
        </p>
      ) : null}
      <div className="overview-grid">
        <div className="overview-row">
          <OpenPages pages={overview.openPages} nowMs={nowMs} onAcknowledged={reload} />
          <StateCounts counts={overview.countsByState} />
          <FreezeList freezes={overview.freezes} nowMs={nowMs} />
        </div>
        <BudgetTable budgets={overview.budgets} policy={overview.budgetPolicy} nowMs={nowMs} />
        <AutomaticActions actions={overview.recentAutomaticActions} nowMs={nowMs} />
      </div>
    </section>
  );
}
