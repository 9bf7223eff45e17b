import { create } from 'zustand';
import { pathFor } from '../app/routes';
import {
  filtersFromSearch,
  filtersToSearch,
  NO_AUDIT_FILTERS,
  type AuditFilters,
} from './audit-filters';

export interface AuditFilterState {
  filters: AuditFilters;
  /** Shows these filters and puts them in the address bar (a new history entry: Back undoes). */
  apply(filters: AuditFilters): void;
  /** Reads the filters back from the address bar (on opening the view, and on Back/Forward). */
  syncFromLocation(): void;
}

function currentSearch(): string {
  return typeof window === 'undefined' ? '' : window.location.search;
}

/**
 * The audit view's filters (client state, CONVENTIONS §9). The query string is where they are
 * kept between visits and how they are shared, so this slice mirrors it rather than owning it.
 */
export const useAuditFilters = create<AuditFilterState>((set) => ({
  filters: NO_AUDIT_FILTERS,
  apply: (filters) => {
    const search = filtersToSearch(filters);
    // The router follows paths only (a query string is this view's business), so the query
    // string goes into the history directly; the path stays the same.
    if (search !== currentSearch())
      window.history.pushState(null, '', `${pathFor({ name: 'audit' })}${search}`);
    set({ filters: filtersFromSearch(search) });
  },
  syncFromLocation: () => set({ filters: filtersFromSearch(currentSearch()) }),
}));
