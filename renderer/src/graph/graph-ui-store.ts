import { create } from 'zustand';
import type { BlastRadiusEntry } from '../../../shared/src/api-types';
import { NO_FILTER, type GraphFilter } from './graph-filter';

/** A rollback being prepared: the blast radius is null until the server has answered. */
export interface RollbackPreview {
  key: string;
  entries: readonly BlastRadiusEntry[] | null;
}

/** The graph view's own state: what is selected, filtered, and previewed. Server data lives elsewhere. */
export interface GraphUiState {
  selectedKey: string | null;
  filter: GraphFilter;
  rollback: RollbackPreview | null;
  select(key: string | null): void;
  setFilter(patch: Partial<GraphFilter>): void;
  resetFilter(): void;
  openRollback(key: string): void;
  setBlastRadius(key: string, entries: readonly BlastRadiusEntry[]): void;
  closeRollback(): void;
}

const INITIAL = { selectedKey: null, filter: NO_FILTER, rollback: null } as const;

export const useGraphUi = create<GraphUiState>((set) => ({
  ...INITIAL,
  select: (key) =>
    set((state) =>
      // Selecting another experiment abandons a rollback prepared for the previous one.
      state.rollback && state.rollback.key !== key
        ? { selectedKey: key, rollback: null }
        : { selectedKey: key },
    ),
  setFilter: (patch) => set((state) => ({ filter: { ...state.filter, ...patch } })),
  resetFilter: () => set({ filter: NO_FILTER }),
  openRollback: (key) => set({ selectedKey: key, rollback: { key, entries: null } }),
  setBlastRadius: (key, entries) =>
    set((state) => (state.rollback?.key === key ? { rollback: { key, entries } } : {})),
  closeRollback: () => set({ rollback: null }),
}));

/** Back to the start (tests; signing out). */
export function resetGraphUi(): void {
  useGraphUi.setState(INITIAL);
}
