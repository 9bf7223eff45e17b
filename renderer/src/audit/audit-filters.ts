import type { AuditEntryView } from '../../../server/src/audit/audit-service';

// The audit view's filters, and the two places they live outside the view: the address bar
// (so a filtered view can be shared as a link) and audit.list's input. Pure.

export interface AuditFilters {
  experimentKey: string | null;
  action: string | null;
  actor: string | null;
  /** Inclusive. */
  sinceMs: number | null;
  /** Exclusive, as the server reads it. */
  untilMs: number | null;
}

export const NO_AUDIT_FILTERS: AuditFilters = {
  experimentKey: null,
  action: null,
  actor: null,
  sinceMs: null,
  untilMs: null,
};

/** Query-string names: short, and what a person would type into a link by hand. */
const TEXT_PARAMS = [
  ['experimentKey', 'experiment'],
  ['action', 'action'],
  ['actor', 'actor'],
] as const;
const TIME_PARAMS = [
  ['sinceMs', 'since'],
  ['untilMs', 'until'],
] as const;

/** An instant as the URL shows it: ISO 8601 UTC, without milliseconds when they are zero. */
export function formatUrlInstant(atMs: number): string {
  return new Date(atMs).toISOString().replace('.000Z', 'Z');
}

/** ISO 8601; a time without a zone is UTC, like every time the console shows. */
export function parseUrlInstant(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(trimmed))
    return null;
  const zoned = /T.*(Z|[+-]\d{2}:\d{2})$/.test(trimmed) || !trimmed.includes('T');
  const atMs = Date.parse(zoned ? trimmed : `${trimmed}Z`);
  return Number.isNaN(atMs) ? null : atMs;
}

/** The filters a query string names; anything unreadable is left out rather than guessed. */
export function filtersFromSearch(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  const filters: AuditFilters = { ...NO_AUDIT_FILTERS };
  for (const [field, name] of TEXT_PARAMS) {
    const value = params.get(name)?.trim();
    if (value) filters[field] = value;
  }
  for (const [field, name] of TIME_PARAMS) {
    const value = params.get(name);
    if (value) filters[field] = parseUrlInstant(value);
  }
  return filters;
}

/** The query string for the filters ("" when none), in a fixed order so equal filters give equal links. */
export function filtersToSearch(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [field, name] of TEXT_PARAMS) {
    const value = filters[field]?.trim();
    if (value) params.set(name, value);
  }
  for (const [field, name] of TIME_PARAMS) {
    const value = filters[field];
    if (value !== null) params.set(name, formatUrlInstant(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return filtersToSearch(filters) !== '';
}

export interface AuditListFilter {
  experimentKey?: string;
  action?: string;
  actor?: string;
  sinceMs?: number;
  untilMs?: number;
}

/** audit.list / audit.count input for the filters (paging is added by the caller). */
export function toListFilter(filters: AuditFilters): AuditListFilter {
  const input: AuditListFilter = {};
  if (filters.experimentKey) input.experimentKey = filters.experimentKey;
  if (filters.action) input.action = filters.action;
  if (filters.actor) input.actor = filters.actor;
  if (filters.sinceMs !== null) input.sinceMs = filters.sinceMs;
  if (filters.untilMs !== null) input.untilMs = filters.untilMs;
  return input;
}

/** Whether a live entry belongs in the filtered view: the server's rules, applied here. */
export function entryMatches(entry: AuditEntryView, filters: AuditFilters): boolean {
  if (filters.experimentKey && entry.experimentKey !== filters.experimentKey) return false;
  if (filters.action && entry.action !== filters.action) return false;
  if (filters.actor && entry.actor !== filters.actor) return false;
  if (filters.sinceMs !== null && entry.at < filters.sinceMs) return false;
  if (filters.untilMs !== null && entry.at >= filters.untilMs) return false;
  return true;
}

/** The problem with a time range, or null when it can be sent. */
export function timeRangeProblem(
  filters: Pick<AuditFilters, 'sinceMs' | 'untilMs'>,
): string | null {
  if (filters.sinceMs !== null && filters.untilMs !== null && filters.untilMs <= filters.sinceMs)
    return 'The end of the time range must be after its start.';
  return null;
}
