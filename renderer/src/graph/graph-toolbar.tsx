import { memo } from 'react';
import type { FilterChoices, GraphFilter } from './graph-filter';

export interface GraphToolbarProps {
  choices: FilterChoices;
  filter: GraphFilter;
  onChange(patch: Partial<GraphFilter>): void;
  onReset(): void;
  shown: number;
  total: number;
}

const FACETS = [
  { field: 'service', label: 'Service', all: 'All services', choices: 'services' },
  { field: 'team', label: 'Team', all: 'All teams', choices: 'teams' },
  { field: 'layer', label: 'Layer', all: 'All layers', choices: 'layers' },
] as const;

/** Filters, counts and the legend of edge kinds. Memoised: its menus list every layer. */
export const GraphToolbar = memo(function GraphToolbar({
  choices,
  filter,
  onChange,
  onReset,
  shown,
  total,
}: GraphToolbarProps) {
  const filtering = shown !== total || filter.hideTerminal;
  return (
    <div className="graph-toolbar" role="toolbar" aria-label="Graph filters">
      {FACETS.map(({ field, label, all, choices: list }) => (
        <label key={field} className="graph-toolbar__facet">
          <span>{label}</span>
          <select
            value={filter[field] ?? ''}
            onChange={(event) => onChange({ [field]: event.target.value || null })}
          >
            <option value="">{all}</option>
            {choices[list].map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label className="graph-toolbar__toggle">
        <input
          type="checkbox"
          checked={filter.hideTerminal}
          onChange={(event) => onChange({ hideTerminal: event.target.checked })}
        />
        Hide rolled back and aborted
      </label>
      {filtering && (
        <button type="button" className="button button--quiet" onClick={onReset}>
          Clear filters
        </button>
      )}
      <span className="graph-toolbar__count" role="status">
        {shown === total
          ? `${total.toLocaleString('en-US')} experiments`
          : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} experiments`}
      </span>
      <EdgeLegend />
    </div>
  );
});

function EdgeLegend() {
  return (
    <ul className="graph-legend" aria-label="Edge kinds">
      <li>
        <svg width="30" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="24" y2="4" className="graph-legend__requires" />
          <path d="M24 0 L30 4 L24 8 Z" className="graph-legend__arrow" />
        </svg>
        requires
      </li>
      <li>
        <svg width="30" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="30" y2="4" className="graph-legend__excludes" />
        </svg>
        excludes
      </li>
      <li>
        <svg width="30" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="30" y2="4" className="graph-legend__after" />
        </svg>
        after
      </li>
    </ul>
  );
}
