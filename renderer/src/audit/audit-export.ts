import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { RunwayClient } from '../api/runway-client';
import { auditCsvRecord, AUDIT_CSV_COLUMNS, csvRecord } from './audit-csv';
import type { AuditListFilter } from './audit-filters';

/** Rows per request: large enough to be quick, small enough to show progress and cancel. */
export const EXPORT_PAGE_SIZE = 1_000;

export interface ExportProgress {
  fetched: number;
  /** The count when the export began; entries added since are not part of this export. */
  total: number;
}

export interface AuditExportSource {
  count(filter: AuditListFilter, signal: AbortSignal): Promise<number>;
  list(
    input: AuditListFilter & { beforeSeq?: number; limit: number },
    signal: AbortSignal,
  ): Promise<AuditEntryView[]>;
}

/** The export's reads through the console's tRPC client; aborting cancels the request in flight. */
export function clientExportSource(client: RunwayClient): AuditExportSource {
  return {
    count: (filter, signal) => client.audit.count.query(filter, { signal }),
    list: (input, signal) => client.audit.list.query(input, { signal }),
  };
}

export interface AuditExportResult {
  /** The CSV text in pieces (one per page), ready for a Blob without one huge string. */
  parts: string[];
  rows: number;
}

/**
 * Every entry the filter selects, newest first, as CSV: paged back with beforeSeq from the
 * newest entry at the start, so entries committed during the export neither shift the pages
 * nor appear twice. Aborting the signal stops it between (or during) requests.
 */
export async function exportAuditCsv(options: {
  source: AuditExportSource;
  filter: AuditListFilter;
  signal: AbortSignal;
  pageSize?: number;
  onProgress?(progress: ExportProgress): void;
}): Promise<AuditExportResult> {
  const { source, filter, signal, onProgress } = options;
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const total = await source.count(filter, signal);
  const parts = [csvRecord(AUDIT_CSV_COLUMNS)];
  let rows = 0;
  let beforeSeq: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    const page = await source.list(
      { ...filter, limit: pageSize, ...(beforeSeq !== undefined ? { beforeSeq } : {}) },
      signal,
    );
    if (page.length > 0) parts.push(page.map(auditCsvRecord).join(''));
    rows += page.length;
    // Entries committed between the count and the first page are exported too: the total
    // grows with them rather than the progress passing 100 %.
    onProgress?.({ fetched: rows, total: Math.max(total, rows) });
    if (page.length < pageSize) break;
    beforeSeq = page.at(-1)!.seq;
  }
  return { parts, rows };
}
