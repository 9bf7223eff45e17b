import type { AuditEntryView } from '../../../server/src/audit/audit-service';

// Pages of the audit log held by the view, newest first. Pure.

/**
 * Both lists as one, newest first, each seq once: a live entry may also come back in a page
 * fetched around the same moment, and must not show twice.
 */
export function mergeEntries(
  current: readonly AuditEntryView[],
  incoming: readonly AuditEntryView[],
): AuditEntryView[] {
  const bySeq = new Map<number, AuditEntryView>();
  for (const entry of current) bySeq.set(entry.seq, entry);
  for (const entry of incoming) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

/**
 * A page asked for with one row more than it shows: that extra row says whether there is
 * anything beyond it, without a second request.
 */
export function splitPage(
  rows: readonly AuditEntryView[],
  pageSize: number,
): { entries: AuditEntryView[]; more: boolean } {
  return { entries: rows.slice(0, pageSize), more: rows.length > pageSize };
}

export interface AuditSuggestions {
  keys: string[];
  actions: string[];
  actors: string[];
}

/** Values the filter fields offer as you type: those seen in the entries shown, sorted. */
export function auditSuggestions(entries: readonly AuditEntryView[]): AuditSuggestions {
  const keys = new Set<string>();
  const actions = new Set<string>();
  const actors = new Set<string>();
  for (const entry of entries) {
    if (entry.experimentKey) keys.add(entry.experimentKey);
    actions.add(entry.action);
    actors.add(entry.actor);
  }
  const sorted = (values: Set<string>): string[] => [...values].sort();
  return { keys: sorted(keys), actions: sorted(actions), actors: sorted(actors) };
}
