import type { AuditEntryView } from '../../../server/src/audit/audit-service';

// The audit log as CSV (RFC 4180) for spreadsheets and auditors. Pure: the export fetches the
// rows, this turns them into text.

export type CsvValue = string | number | null;

/** RFC 4180 ends every record, the last one included, with CRLF. */
export const CSV_LINE_END = '\r\n';

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1+1`, `-2+3`, `@SUM(…)`), or
 * that some spreadsheets treat the same way after a leading tab or carriage return (OWASP's
 * CSV-injection list). Audit text comes from anyone who can write a reason or a key.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: formula-like text defused with a leading quote, quoted when RFC 4180 needs it. */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF included. */
export function csvRecord(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + CSV_LINE_END;
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'actor',
  'action',
  'experiment',
  'from_state',
  'to_state',
  'reason',
  'cause',
  'details',
  'hash',
] as const;

/** An entry's record: the time as ISO 8601 UTC, details as JSON, the row's chain hash. */
export function auditCsvRecord(entry: AuditEntryView): string {
  return csvRecord([
    entry.seq,
    new Date(entry.at).toISOString(),
    entry.actor,
    entry.action,
    entry.experimentKey,
    entry.fromState,
    entry.toState,
    entry.reason,
    entry.cause,
    Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : null,
    entry.hash,
  ]);
}

/** The header and every entry, in the order given. */
export function auditCsv(entries: readonly AuditEntryView[]): string {
  return csvRecord(AUDIT_CSV_COLUMNS) + entries.map(auditCsvRecord).join('');
}

/** `runway-audit-2026-11-29.csv`: the UTC date of the export. */
export function auditCsvFileName(nowMs: number): string {
  return `runway-audit-${new Date(nowMs).toISOString().slice(0, 10)}.csv`;
}
