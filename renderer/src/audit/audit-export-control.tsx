import { useEffect, useRef, useState } from 'react';
import { runwayClient } from '../api/runway-client';
import { errorMessage } from '../app/error-messages';
import { auditCsvFileName } from './audit-csv';
import { clientExportSource, exportAuditCsv, type ExportProgress } from './audit-export';
import { hasAuditFilters, toListFilter, type AuditFilters } from './audit-filters';
import { downloadText } from './download-file';

type ExportJob =
  | { kind: 'idle' }
  | { kind: 'running'; progress: ExportProgress | null }
  | { kind: 'done'; rows: number; fileName: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

const count = (rows: number): string =>
  `${rows.toLocaleString('en')} ${rows === 1 ? 'entry' : 'entries'}`;

/**
 * Exports every entry the filters select as CSV — all of them, fetched page by page, not only
 * those loaded in the table — with progress and a way to stop a long export.
 */
export function AuditExportControl({
  filters,
  pageSize,
}: {
  filters: AuditFilters;
  pageSize?: number;
}) {
  const [job, setJob] = useState<ExportJob>({ kind: 'idle' });
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const start = async (): Promise<void> => {
    const controller = new AbortController();
    running.current = controller;
    setJob({ kind: 'running', progress: null });
    try {
      const result = await exportAuditCsv({
        source: clientExportSource(runwayClient()),
        filter: toListFilter(filters),
        signal: controller.signal,
        ...(pageSize !== undefined ? { pageSize } : {}),
        onProgress: (progress) => {
          if (!controller.signal.aborted) setJob({ kind: 'running', progress });
        },
      });
      const fileName = auditCsvFileName(Date.now());
      downloadText(fileName, result.parts, 'text/csv');
      setJob({ kind: 'done', rows: result.rows, fileName });
    } catch (error) {
      if (controller.signal.aborted) {
        if (running.current === controller) setJob({ kind: 'cancelled' });
      } else setJob({ kind: 'failed', message: errorMessage(error) });
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  return (
    <div className="audit-export">
      {job.kind === 'running' ? (
        <>
          <ExportProgressBar progress={job.progress} />
          <button type="button" className="button" onClick={() => running.current?.abort()}>
            Cancel export
          </button>
        </>
      ) : (
        <button type="button" className="button" onClick={() => void start()}>
          {hasAuditFilters(filters) ? 'Export filtered entries (CSV)' : 'Export all entries (CSV)'}
        </button>
      )}
      <ExportOutcome job={job} />
    </div>
  );
}

function ExportProgressBar({ progress }: { progress: ExportProgress | null }) {
  const label = progress
    ? `Exporting ${progress.fetched.toLocaleString('en')} of ${count(progress.total)}…`
    : 'Counting entries…';
  return (
    <span className="audit-export__progress">
      <progress
        aria-label="Export progress"
        {...(progress ? { value: progress.fetched, max: Math.max(progress.total, 1) } : {})}
      />
      <span role="status">{label}</span>
    </span>
  );
}

function ExportOutcome({ job }: { job: ExportJob }) {
  switch (job.kind) {
    case 'done':
      return (
        <span className="hint" role="status">
          Exported {count(job.rows)} to {job.fileName}.
        </span>
      );
    case 'cancelled':
      return (
        <span className="hint" role="status">
          Export cancelled; nothing was saved.
        </span>
      );
    case 'failed':
      return (
        <span className="audit-export__error" role="alert">
          The export failed: {job.message}
        </span>
      );
    default:
      return null;
  }
}
