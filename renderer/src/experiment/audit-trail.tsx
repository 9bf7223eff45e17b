import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { formatAt } from './experiment-format';

/** The experiment's audit entries, newest first, with the cause of a cascade. */
export function AuditTrail({ entries }: { entries: AuditEntryView[] | null }) {
  return (
    <section className="experiment-section" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      {entries === null ? (
        <p className="hint">Loading the audit trail…</p>
      ) : entries.length === 0 ? (
        <p className="hint">Nothing recorded yet.</p>
      ) : (
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.seq}>
                <td className="numeric">{entry.seq}</td>
                <td className="numeric">{formatAt(entry.at)}</td>
                <td>{entry.actor}</td>
                <td>
                  {entry.action.replace(/^experiment\./, '')}
                  {entry.fromState && entry.toState && entry.fromState !== entry.toState
                    ? ` (${entry.fromState.replace(/_/g, ' ')} → ${entry.toState.replace(/_/g, ' ')})`
                    : ''}
                  {entry.cause && <span className="hint"> cascade from {entry.cause}</span>}
                </td>
                <td>{entry.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
