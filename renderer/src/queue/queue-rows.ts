import type { ExperimentView } from '../../../shared/src/api-types';
import { EXPERIMENT_STATES, type ExperimentState } from '../../../shared/src/lifecycle';

export interface QueueFilters {
  /** Shown states; empty shows every state. */
  states: readonly ExperimentState[];
  service: string | null;
  team: string | null;
  layer: string | null;
  /** Matched against key, title and owner, case-insensitively. */
  search: string;
}

export const QUEUE_COLUMNS = [
  'key',
  'state',
  'exposure',
  'owner',
  'team',
  'service',
  'layer',
  'priority',
  'timeInState',
  'blocked',
] as const;
export type QueueColumn = (typeof QUEUE_COLUMNS)[number];
export type SortDirection = 'asc' | 'desc';

export interface QueueSort {
  column: QueueColumn;
  direction: SortDirection;
}

/**
 * The queue's natural order, which `state` sorts by: what is live first, then what waits, then
 * what is over.
 */
const STATE_RANK: Record<ExperimentState, number> = {
  running: 0,
  paused: 1,
  queued: 2,
  pending_approval: 3,
  draft: 4,
  completed: 5,
  rolled_back: 6,
  aborted: 7,
};

/** A column's natural first direction: numbers people rank by start high. */
export function defaultDirection(column: QueueColumn): SortDirection {
  return column === 'priority' ||
    column === 'exposure' ||
    column === 'timeInState' ||
    column === 'blocked'
    ? 'desc'
    : 'asc';
}

export function filterExperiments(
  experiments: readonly ExperimentView[],
  filters: QueueFilters,
): ExperimentView[] {
  const needle = filters.search.trim().toLowerCase();
  const states = new Set(filters.states);
  return experiments.filter(
    (experiment) =>
      (states.size === 0 || states.has(experiment.state)) &&
      (filters.service === null || experiment.service === filters.service) &&
      (filters.team === null || experiment.team === filters.team) &&
      (filters.layer === null || experiment.layer === filters.layer) &&
      (needle === '' ||
        experiment.key.toLowerCase().includes(needle) ||
        experiment.title.toLowerCase().includes(needle) ||
        experiment.owner.toLowerCase().includes(needle)),
  );
}

type SortValue = string | number;

function sortValue(experiment: ExperimentView, column: QueueColumn, nowMs: number): SortValue {
  switch (column) {
    case 'key':
      return experiment.key;
    case 'state':
      return STATE_RANK[experiment.state];
    case 'exposure':
      return experiment.exposurePercent;
    case 'owner':
      return experiment.owner.toLowerCase();
    case 'team':
      return experiment.team.toLowerCase();
    case 'service':
      return experiment.service.toLowerCase();
    case 'layer':
      return experiment.layer.toLowerCase();
    case 'priority':
      return experiment.priority;
    case 'timeInState':
      return nowMs - experiment.stateChangedAtMs;
    case 'blocked':
      return experiment.blockedReasons.length;
  }
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/**
 * The scheduler's own order breaks ties (DESIGN §4): live before waiting, higher priority first,
 * then older first; the key last, so the order is total and stable across refetches.
 */
function queueOrder(a: ExperimentView, b: ExperimentView): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    b.priority - a.priority ||
    a.createdAtMs - b.createdAtMs ||
    a.key.localeCompare(b.key)
  );
}

export function sortExperiments(
  experiments: readonly ExperimentView[],
  sort: QueueSort,
  nowMs: number,
): ExperimentView[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...experiments].sort(
    (a, b) =>
      sign * compareValues(sortValue(a, sort.column, nowMs), sortValue(b, sort.column, nowMs)) ||
      queueOrder(a, b),
  );
}

export interface QueueFacets {
  states: ExperimentState[];
  services: string[];
  teams: string[];
  layers: string[];
}

/** The values each filter can take, from what is in the queue. */
export function queueFacets(experiments: readonly ExperimentView[]): QueueFacets {
  const distinct = (pick: (experiment: ExperimentView) => string): string[] =>
    [...new Set(experiments.map(pick))].sort((a, b) => a.localeCompare(b));
  const present = new Set(experiments.map((experiment) => experiment.state));
  return {
    states: EXPERIMENT_STATES.filter((state) => present.has(state)),
    services: distinct((experiment) => experiment.service),
    teams: distinct((experiment) => experiment.team),
    layers: distinct((experiment) => experiment.layer),
  };
}

export function countByState(
  experiments: readonly ExperimentView[],
): Partial<Record<ExperimentState, number>> {
  const counts: Partial<Record<ExperimentState, number>> = {};
  for (const experiment of experiments)
    counts[experiment.state] = (counts[experiment.state] ?? 0) + 1;
  return counts;
}
