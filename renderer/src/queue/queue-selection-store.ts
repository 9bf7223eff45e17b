import { create } from 'zustand';

export interface QueueSelectionState {
  /** The highlighted experiment; Enter opens it. */
  selectedKey: string | null;
  select(key: string | null): void;
  /**
   * Moves the selection `delta` rows through `visibleKeys` (the rows as shown), clamped at both
   * ends. With nothing selected, or the selection filtered away, down starts at the top and up
   * at the bottom.
   */
  move(visibleKeys: readonly string[], delta: number): void;
}

export const useQueueSelection = create<QueueSelectionState>((set, get) => ({
  selectedKey: null,
  select: (selectedKey) => set({ selectedKey }),
  move: (visibleKeys, delta) => {
    if (visibleKeys.length === 0) return;
    const index = get().selectedKey === null ? -1 : visibleKeys.indexOf(get().selectedKey!);
    const next =
      index === -1
        ? delta > 0
          ? 0
          : visibleKeys.length - 1
        : Math.min(visibleKeys.length - 1, Math.max(0, index + delta));
    set({ selectedKey: visibleKeys[next]! });
  },
}));
