import { create } from 'zustand';
import { defaultDirection, type QueueColumn, type QueueSort } from './queue-rows';

export interface QueueSortState extends QueueSort {
  /** Sorts by `column`; the same column again flips the direction. */
  sortBy(column: QueueColumn): void;
  reset(): void;
}

/** The queue's own order: by state (live first), then priority and age (queueOrder). */
export const DEFAULT_SORT: QueueSort = { column: 'state', direction: 'asc' };

export const useQueueSort = create<QueueSortState>((set) => ({
  ...DEFAULT_SORT,
  sortBy: (column) =>
    set((current) =>
      current.column === column
        ? { direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: defaultDirection(column) },
    ),
  reset: () => set(DEFAULT_SORT),
}));
