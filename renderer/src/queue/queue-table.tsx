import type { ExperimentView } from '../../../shared/src/api-types';
import { useQueueSelection } from './queue-selection-store';
import { useQueueSort } from './queue-sort-store';
import type { QueueColumn } from './queue-rows';
import { QueueRow } from './queue-row';

/** Each header sorts by one or two columns (owner · team and service · layer share a cell). */
const HEADERS: ReadonlyArray<{
  sorts: ReadonlyArray<{ column: QueueColumn; label: string }>;
  numeric?: boolean;
  /** As narrow as its content: the experiment and its reasons get the width. */
  shrink?: boolean;
  className?: string;
}> = [
  { sorts: [{ column: 'key', label: 'Experiment' }], className: 'queue-table__experiment' },
  { sorts: [{ column: 'state', label: 'State' }], shrink: true },
  { sorts: [{ column: 'exposure', label: 'Exposure' }], shrink: true },
  {
    sorts: [
      { column: 'owner', label: 'Owner' },
      { column: 'team', label: 'Team' },
    ],
    shrink: true,
  },
  {
    sorts: [
      { column: 'service', label: 'Service' },
      { column: 'layer', label: 'Layer' },
    ],
    shrink: true,
  },
  { sorts: [{ column: 'priority', label: 'Priority' }], numeric: true, shrink: true },
  { sorts: [{ column: 'timeInState', label: 'In state' }], numeric: true, shrink: true },
  { sorts: [{ column: 'blocked', label: 'Waiting on' }], className: 'queue-table__reasons' },
];

interface QueueTableProps {
  rows: readonly ExperimentView[];
  nowMs: number;
  onOpen(key: string): void;
}

export function QueueTable({ rows, nowMs, onOpen }: QueueTableProps) {
  const sortColumn = useQueueSort((state) => state.column);
  const direction = useQueueSort((state) => state.direction);
  const sortBy = useQueueSort((state) => state.sortBy);
  const selectedKey = useQueueSelection((state) => state.selectedKey);
  const select = useQueueSelection((state) => state.select);
  return (
    <div className="queue-table__scroller">
      <table className="queue-table" aria-label="Experiment queue" aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            {HEADERS.map(({ sorts, numeric, shrink, className }) => {
              const sorted = sorts.some((sort) => sort.column === sortColumn);
              return (
                <th
                  key={sorts[0]!.column}
                  scope="col"
                  className={
                    [numeric ? 'numeric' : '', shrink ? 'shrink' : '', className ?? '']
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  aria-sort={sorted ? (direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  {sorts.map(({ column, label }, index) => (
                    <span key={column}>
                      {index > 0 ? <span className="sort-separator">·</span> : null}
                      <button
                        type="button"
                        className="sort-button"
                        aria-label={`Sort by ${label.toLowerCase()}`}
                        aria-pressed={column === sortColumn}
                        onClick={() => sortBy(column)}
                      >
                        {label}
                        <span className="sort-button__arrow" aria-hidden="true">
                          {column === sortColumn ? (direction === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    </span>
                  ))}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((experiment) => (
            <QueueRow
              key={experiment.key}
              experiment={experiment}
              selected={experiment.key === selectedKey}
              nowMs={nowMs}
              onSelect={select}
              onOpen={onOpen}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
