import { useLayoutEffect, useMemo, useState } from 'react';
import { ChainStatus } from './chain-status';
import { auditSuggestions } from './audit-entries';
import { AuditExportControl } from './audit-export-control';
import { useAuditFilters } from './audit-filter-store';
import { AuditFilterForm } from './audit-filter-form';
import {
  filtersToSearch,
  hasAuditFilters,
  NO_AUDIT_FILTERS,
  type AuditFilters,
} from './audit-filters';
import { AuditTable } from './audit-table';
import { useAuditLog, type AuditLogData } from './use-audit-log';
import './audit-view.css';

interface AuditViewProps {
  /** Entries per page of the table (tests use small pages). */
  pageSize?: number;
  /** Entries per request of the CSV export. */
  exportPageSize?: number;
}

/**
 * The hash-chained audit log (/audit): newest first, filtered by what the address bar says,
 * paged back on request, live at the top, exportable as CSV, with the chain's verdict.
 */
export function AuditView({ pageSize, exportPageSize }: AuditViewProps) {
  const syncFromLocation = useAuditFilters((state) => state.syncFromLocation);
  const [synced, setSynced] = useState(false);
  // Before the first paint and before anything loads: the filters are the address bar's, not
  // those of the last visit. Back and Forward move between filtered views.
  useLayoutEffect(() => {
    syncFromLocation();
    setSynced(true);
    window.addEventListener('popstate', syncFromLocation);
    return () => window.removeEventListener('popstate', syncFromLocation);
  }, [syncFromLocation]);

  return (
    <section className="view audit-view" aria-labelledby="audit-view-title">
      <header className="view__header">
        <h1 id="audit-view-title">Audit log</h1>
        <ChainStatus />
      </header>
      {synced ? <AuditLogPanel pageSize={pageSize} exportPageSize={exportPageSize} /> : null}
    </section>
  );
}

function AuditLogPanel({ pageSize, exportPageSize }: AuditViewProps) {
  const filters = useAuditFilters((state) => state.filters);
  const apply = useAuditFilters((state) => state.apply);
  const log = useAuditLog(filters, pageSize);
  const suggestions = useMemo(() => auditSuggestions(log.entries ?? []), [log.entries]);
  return (
    <>
      {/* Keyed by the filters in force: Back, Forward or Clear reset what the form shows. */}
      <AuditFilterForm
        key={filtersToSearch(filters)}
        filters={filters}
        onApply={apply}
        suggestions={suggestions}
      />
      <div className="audit-view__bar">
        <span className="audit-view__count" aria-live="polite">
          {shownText(log)}
        </span>
        <AuditExportControl filters={filters} pageSize={exportPageSize} />
      </div>
      <AuditLogBody log={log} filters={filters} onClear={() => apply(NO_AUDIT_FILTERS)} />
    </>
  );
}

function shownText(log: AuditLogData): string {
  if (log.entries === null || log.entries.length === 0) return '';
  const shown = log.entries.length.toLocaleString('en');
  if (log.hasOlder) return `The newest ${shown} entries; older ones load on request.`;
  return log.entries.length === 1 ? 'The only entry.' : `All ${shown} entries.`;
}

function AuditLogBody(props: { log: AuditLogData; filters: AuditFilters; onClear(): void }) {
  const { log, filters, onClear } = props;
  if (log.error !== null)
    return (
      <div className="notice notice--error audit-view__error">
        <p role="alert">{log.error}</p>
        <button type="button" className="button" onClick={log.retry}>
          Try again
        </button>
      </div>
    );
  if (log.entries === null)
    return (
      <p className="hint" role="status">
        Loading the audit log…
      </p>
    );
  if (log.entries.length === 0)
    return hasAuditFilters(filters) ? (
      <div className="empty-state">
        <p>No entry matches these filters.</p>
        <button type="button" className="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    ) : (
      <div className="empty-state">
        <p>The audit log is empty.</p>
        <p className="hint">
          Every change — an enqueue, a start, a pause, a policy change — is recorded here with who
          made it and why. Enqueue an experiment to see the first entry.
        </p>
      </div>
    );
  return (
    <>
      <AuditTable entries={log.entries} />
      <OlderEntries log={log} filtered={hasAuditFilters(filters)} />
    </>
  );
}

function OlderEntries({ log, filtered }: { log: AuditLogData; filtered: boolean }) {
  return (
    <div className="audit-view__older">
      {log.olderError ? (
        <p className="notice notice--error" role="alert">
          {log.olderError}
        </p>
      ) : null}
      {log.hasOlder ? (
        <button
          type="button"
          className="button"
          onClick={log.loadOlder}
          disabled={log.loadingOlder}
        >
          {log.loadingOlder ? 'Loading older entries…' : 'Load older entries'}
        </button>
      ) : (
        <p className="hint">
          {filtered
            ? 'That is the oldest entry these filters select.'
            : 'That is the first entry of the log.'}
        </p>
      )}
    </div>
  );
}
