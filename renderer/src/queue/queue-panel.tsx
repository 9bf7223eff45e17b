import { useMemo, useRef } from 'react';
import type { ExperimentView } from '../../../shared/src/api-types';
import { StateBadge } from '../app/state-badge';
import { useQueueFilters } from './queue-filter-store';
import { countByState, filterExperiments, queueFacets, sortExperiments } from './queue-rows';
import { useQueueSort } from './queue-sort-store';
import { QueueTable } from './queue-table';
import { QueueToolbar } from './queue-toolbar';
import { useQueueKeyboard } from './use-queue-keyboard';

interface QueuePanelProps {
  /** null while the first load runs. */
  experiments: readonly ExperimentView[] | null;
  /** The last load's failure, as a sentence. */
  error: string | null;
  nowMs: number;
  onOpenExperiment(key: string): void;
}

/** The queue as shown: filtered, sorted, navigable by keyboard. Data comes in by props. */
export function QueuePanel({ experiments, error, nowMs, onOpenExperiment }: QueuePanelProps) {
  const states = useQueueFilters((state) => state.states);
  const service = useQueueFilters((state) => state.service);
  const team = useQueueFilters((state) => state.team);
  const layer = useQueueFilters((state) => state.layer);
  const search = useQueueFilters((state) => state.search);
  const resetFilters = useQueueFilters((state) => state.reset);
  const column = useQueueSort((state) => state.column);
  const direction = useQueueSort((state) => state.direction);
  const searchRef = useRef<HTMLInputElement>(null);

  const all = useMemo(() => experiments ?? [], [experiments]);
  const facets = useMemo(() => queueFacets(all), [all]);
  const counts = useMemo(() => countByState(all), [all]);
  const rows = useMemo(
    () =>
      sortExperiments(
        filterExperiments(all, { states, service, team, layer, search }),
        { column, direction },
        nowMs,
      ),
    [all, states, service, team, layer, search, column, direction, nowMs],
  );
  const rowKeys = useMemo(() => rows.map((row) => row.key), [rows]);
  useQueueKeyboard({ rowKeys, searchRef, onOpen: onOpenExperiment });

  return (
    <section className="view queue-view" aria-labelledby="queue-title">
      <header className="view__header">
        <h1 id="queue-title">Queue</h1>
        <ul className="queue-summary" aria-label="Experiments by state">
          {facets.states.map((state) => (
            <li key={state}>
              <StateBadge state={state} />{' '}
              <span className="queue-summary__count">{counts[state]}</span>
            </li>
          ))}
        </ul>
      </header>
      <QueueToolbar facets={facets} searchRef={searchRef} shown={rows.length} total={all.length} />
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      {experiments === null ? (
        error ? null : (
          <p className="hint" role="status">
            Loading the queue…
          </p>
        )
      ) : all.length === 0 ? (
        <div className="empty-state">
          <p>The queue is empty.</p>
          <p className="hint">
            Enqueue an experiment from a spec file: <code>npx runway enqueue checkout-v2.yaml</code>
          </p>
        </div>
      ) : rows.length === 0 ? (
        <div className="empty-state">
          <p>No experiment matches these filters.</p>
          <button type="button" className="button" onClick={resetFilters}>
            Clear filters
          </button>
        </div>
      ) : (
        <QueueTable rows={rows} nowMs={nowMs} onOpen={onOpenExperiment} />
      )}
      <p className="hint queue-view__keys">
        <kbd>/</kbd> search · <kbd>↑</kbd> <kbd>↓</kbd> select · <kbd>Enter</kbd> open
      </p>
    </section>
  );
}
