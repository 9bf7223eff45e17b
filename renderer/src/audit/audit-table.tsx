import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { Link } from '../app/link';
import { experimentPath } from '../app/routes';
import { formatAt } from '../experiment/experiment-format';
import { changeText, stagePosition } from './change-text';

/** Entries newest first (the log's own order: paging and live entries depend on it). */
export function AuditTable({ entries }: { entries: readonly AuditEntryView[] }) {
  return (
    <div className="audit-log__scroller">
      <table className="audit-log__table" aria-label="Audit log entries" data-testid="audit-table">
        <caption className="visually-hidden">Audit log entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric shrink" aria-sort="descending">
              #
            </th>
            <th scope="col" className="shrink">
              Time (UTC)
            </th>
            <th scope="col" className="shrink">
              Actor
            </th>
            <th scope="col" className="shrink">
              Action
            </th>
            <th scope="col" className="shrink">
              Experiment
            </th>
            <th scope="col" className="shrink">
              Change
            </th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <AuditRow key={entry.seq} entry={entry} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntryView }) {
  return (
    <tr data-testid="audit-row" data-seq={entry.seq}>
      <td className="numeric">{entry.seq}</td>
      <td className="numeric audit-log__time">
        <time dateTime={new Date(entry.at).toISOString()}>{formatAt(entry.at).slice(0, -4)}</time>
      </td>
      <td className="audit-log__actor">{entry.actor}</td>
      <td className="audit-log__action">
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.experimentKey ? (
          <Link to={experimentPath(entry.experimentKey)} className="audit-log__key">
            {entry.experimentKey}
          </Link>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="audit-log__change">
        {changeText({ ...entry, ...stagePosition(entry.details) })}
      </td>
      <td className="audit-log__reason">
        {entry.reason ?? ''}
        {entry.cause ? <span className="hint"> (cascade from {entry.cause})</span> : null}
      </td>
    </tr>
  );
}
