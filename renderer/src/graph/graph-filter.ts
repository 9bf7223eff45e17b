import type { ExperimentView } from '../../../shared/src/api-types';
import { TERMINAL_STATES } from '../../../shared/src/lifecycle';

/** What the graph shows: null means any. */
export interface GraphFilter {
  service: string | null;
  team: string | null;
  layer: string | null;
  /** Leave out rolled back and aborted experiments (they can never run again). */
  hideTerminal: boolean;
}

export const NO_FILTER: GraphFilter = {
  service: null,
  team: null,
  layer: null,
  hideTerminal: false,
};

type Filterable = Pick<ExperimentView, 'service' | 'team' | 'layer' | 'state'>;

export function matchesFilter(experiment: Filterable, filter: GraphFilter): boolean {
  if (filter.service !== null && experiment.service !== filter.service) return false;
  if (filter.team !== null && experiment.team !== filter.team) return false;
  if (filter.layer !== null && experiment.layer !== filter.layer) return false;
  if (filter.hideTerminal && TERMINAL_STATES.has(experiment.state)) return false;
  return true;
}

/** The experiments the filter keeps, in their original order (the same array when it keeps all). */
export function filterExperiments<T extends Filterable>(
  experiments: readonly T[],
  filter: GraphFilter,
): readonly T[] {
  const kept = experiments.filter((experiment) => matchesFilter(experiment, filter));
  return kept.length === experiments.length ? experiments : kept;
}

export function isFiltering(filter: GraphFilter): boolean {
  return (
    filter.service !== null || filter.team !== null || filter.layer !== null || filter.hideTerminal
  );
}

export interface FilterChoices {
  services: string[];
  teams: string[];
  layers: string[];
}

/** Every service, team and layer present, sorted, for the filter menus. */
export function filterChoices(experiments: readonly Filterable[]): FilterChoices {
  const services = new Set<string>();
  const teams = new Set<string>();
  const layers = new Set<string>();
  for (const experiment of experiments) {
    services.add(experiment.service);
    teams.add(experiment.team);
    layers.add(experiment.layer);
  }
  const sorted = (values: Set<string>): string[] => [...values].sort((a, b) => a.localeCompare(b));
  return { services: sorted(services), teams: sorted(teams), layers: sorted(layers) };
}
