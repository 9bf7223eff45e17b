import { useId, type RefObject } from 'react';
import { stateLabel } from '../../../shared/src/state-label';
import { hasActiveFilters, useQueueFilters } from './queue-filter-store';
import type { QueueFacets } from './queue-rows';

interface QueueToolbarProps {
  facets: QueueFacets;
  searchRef: RefObject<HTMLInputElement | null>;
  shown: number;
  total: number;
}

/** Search, state chips and the service/team/layer filters. */
export function QueueToolbar({ facets, searchRef, shown, total }: QueueToolbarProps) {
  const filters = useQueueFilters();
  const searchId = useId();
  return (
    <div className="queue-toolbar" role="search">
      <div className="queue-toolbar__row">
        <label htmlFor={searchId} className="visually-hidden">
          Search experiments by key, title or owner
        </label>
        <input
          id={searchId}
          ref={searchRef}
          type="search"
          className="queue-toolbar__search"
          placeholder="Search key, title or owner  ( / )"
          value={filters.search}
          onChange={(event) => filters.setSearch(event.target.value)}
          aria-keyshortcuts="/"
        />
        <FacetSelect
          label="Service"
          all="All services"
          values={facets.services}
          value={filters.service}
          onChange={filters.setService}
        />
        <FacetSelect
          label="Team"
          all="All teams"
          values={facets.teams}
          value={filters.team}
          onChange={filters.setTeam}
        />
        <FacetSelect
          label="Layer"
          all="All layers"
          values={facets.layers}
          value={filters.layer}
          onChange={filters.setLayer}
        />
        <span className="queue-toolbar__count" aria-live="polite">
          {shown === total ? `${total} experiments` : `${shown} of ${total} experiments`}
        </span>
        {hasActiveFilters(filters) ? (
          <button type="button" className="button button--quiet" onClick={filters.reset}>
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="queue-toolbar__states" role="group" aria-label="Filter by state">
        {facets.states.map((state) => (
          <button
            key={state}
            type="button"
            className={`state-chip state-chip--${state}`}
            aria-pressed={filters.states.includes(state)}
            onClick={() => filters.toggleState(state)}
          >
            {stateLabel(state)}
          </button>
        ))}
      </div>
    </div>
  );
}

function FacetSelect(props: {
  label: string;
  all: string;
  values: readonly string[];
  value: string | null;
  onChange(value: string | null): void;
}) {
  const id = useId();
  return (
    <span className="queue-toolbar__facet">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value ?? ''}
        onChange={(event) => props.onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">{props.all}</option>
        {/* A filter set on a value that left the queue stays visible, so it can be cleared. */}
        {[...new Set([...props.values, ...(props.value ? [props.value] : [])])].map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
    </span>
  );
}
