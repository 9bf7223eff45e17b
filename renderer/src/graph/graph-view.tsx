import '@xyflow/react/dist/style.css';
import './graph.css';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import type { ExperimentView, TransitionResult } from '../../../shared/src/api-types';
import { useSession } from '../api/session-store';
import { blastHighlight } from './blast-radius';
import { buildDependencyEdges } from './dependency-edges';
import { DetailsPanel } from './details-panel';
import { GraphCanvas } from './graph-canvas';
import { filterChoices, filterExperiments } from './graph-filter';
import type { GraphDataSource } from './graph-source';
import { preloadedGraphSource } from './graph-preload';
import { GraphToolbar } from './graph-toolbar';
import { useGraphUi } from './graph-ui-store';
import { sharedLayoutRunner, type LayoutRunner } from './layout-runner';
import { RollbackDialog } from './rollback-dialog';
import { rollbackAvailability } from './rollback-availability';
import { useGraphData } from './use-graph-data';

export interface GraphViewProps {
  onOpenExperiment(key: string): void;
  /** The API calls (tests pass a fake); the console's tRPC client by default. */
  source?: GraphDataSource;
  /** Where layout runs (tests lay out in-thread); a shared Web Worker by default. */
  layoutRunner?: LayoutRunner;
}

const NO_EXPERIMENTS: readonly ExperimentView[] = [];

/**
 * The dependency graph: every experiment as a node coloured by state, edges for requires,
 * excludes and after, filters, details of the selected experiment, and rollbacks that show their
 * blast radius before anything happens. Kept current by the live change stream.
 */
export function GraphView({ onOpenExperiment, source, layoutRunner }: GraphViewProps) {
  const dataSource = useMemo(() => source ?? preloadedGraphSource(), [source]);
  const runner = useMemo(() => layoutRunner ?? sharedLayoutRunner(), [layoutRunner]);
  const data = useGraphData(dataSource);
  const selectedKey = useGraphUi((state) => state.selectedKey);
  const filter = useGraphUi((state) => state.filter);
  const rollback = useGraphUi((state) => state.rollback);
  const { select, setFilter, resetFilter, openRollback, closeRollback } = useGraphUi.getState();
  const user = useSession((state) => state.user);
  const [notice, setNotice] = useState<string | null>(null);

  const all = data.experiments ?? NO_EXPERIMENTS;
  const visible = useMemo(() => filterExperiments(all, filter), [all, filter]);
  const edges = useMemo(() => buildDependencyEdges(visible), [visible]);
  const choices = useMemo(() => filterChoices(all), [all]);
  const byKey = useMemo(
    () => new Map(all.map((experiment) => [experiment.key, experiment])),
    [all],
  );
  const highlight = useMemo(
    () => (rollback?.entries ? blastHighlight(rollback.key, rollback.entries, edges) : null),
    [rollback, edges],
  );
  const selected = selectedKey === null ? null : (byKey.get(selectedKey) ?? null);
  const rollingBack = rollback === null ? null : (byKey.get(rollback.key) ?? null);

  const onSelect = useCallback((key: string | null) => select(key), [select]);
  const { refresh } = data;
  const onRolledBack = useCallback(
    (result: TransitionResult) => {
      const target = result.changed.at(-1)?.key ?? '';
      const count = result.changed.length;
      setNotice(
        count > 1
          ? `Rolled back ${count} experiments (cascade from ${target}): ${result.changed.map((entry) => entry.key).join(', ')}.`
          : `Rolled back ${target}.`,
      );
      closeRollback();
      refresh();
    },
    [closeRollback, refresh],
  );

  return (
    <section className="view graph-view" aria-label="Dependency graph">
      <GraphToolbar
        choices={choices}
        filter={filter}
        onChange={setFilter}
        onReset={resetFilter}
        shown={visible.length}
        total={all.length}
      />
      {data.error && (
        <p className="notice notice--error" role="alert">
          {data.error}
        </p>
      )}
      {notice && (
        <p className="notice graph-view__notice" role="status">
          {notice}{' '}
          <button type="button" className="button button--quiet" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      <div className="graph-view__body">
        {data.experiments === null ? (
          <p className="hint graph-view__empty" role="status">
            Loading experiments…
          </p>
        ) : visible.length === 0 ? (
          <p className="hint graph-view__empty">
            {all.length === 0 ? 'No experiments yet.' : 'No experiment matches these filters.'}
          </p>
        ) : (
          <ReactFlowProvider>
            <GraphCanvas
              experiments={visible}
              edges={edges}
              health={data.health}
              selectedKey={selectedKey}
              highlight={highlight}
              onSelect={onSelect}
              layoutRunner={runner}
            />
          </ReactFlowProvider>
        )}
        {rollingBack ? (
          <RollbackDialog
            key={rollingBack.key}
            experiment={rollingBack}
            source={dataSource}
            revision={data.revision}
            onRefresh={refresh}
            onDone={onRolledBack}
          />
        ) : (
          selected && (
            <DetailsPanel
              experiment={selected}
              health={data.health.get(selected.key) ?? null}
              rollback={rollbackAvailability(selected, user)}
              onOpen={onOpenExperiment}
              onRollback={openRollback}
              onSelect={onSelect}
            />
          )
        )}
      </div>
    </section>
  );
}
