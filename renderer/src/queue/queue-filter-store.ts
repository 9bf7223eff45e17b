import { create } from 'zustand';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { QueueFilters } from './queue-rows';

export interface QueueFilterState extends QueueFilters {
  toggleState(state: ExperimentState): void;
  setStates(states: readonly ExperimentState[]): void;
  setService(service: string | null): void;
  setTeam(team: string | null): void;
  setLayer(layer: string | null): void;
  setSearch(search: string): void;
  reset(): void;
}

export const NO_FILTERS: QueueFilters = {
  states: [],
  service: null,
  team: null,
  layer: null,
  search: '',
};

/** What the queue shows (client state; it survives leaving the view and coming back). */
export const useQueueFilters = create<QueueFilterState>((set) => ({
  ...NO_FILTERS,
  toggleState: (state) =>
    set((current) => ({
      states: current.states.includes(state)
        ? current.states.filter((shown) => shown !== state)
        : [...current.states, state],
    })),
  setStates: (states) => set({ states: [...states] }),
  setService: (service) => set({ service }),
  setTeam: (team) => set({ team }),
  setLayer: (layer) => set({ layer }),
  setSearch: (search) => set({ search }),
  reset: () => set(NO_FILTERS),
}));

export function hasActiveFilters(filters: QueueFilters): boolean {
  return (
    filters.states.length > 0 ||
    filters.service !== null ||
    filters.team !== null ||
    filters.layer !== null ||
    filters.search.trim() !== ''
  );
}
