import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ExperimentView, TransitionResult } from '../../../shared/src/api-types';
import { useSession } from '../api/session-store';
import { errorCode, errorMessage } from '../app/error-messages';
import { StateBadge } from '../app/state-badge';
import { summarizeBlastRadius } from './blast-radius';
import type { GraphDataSource } from './graph-source';
import { useGraphUi } from './graph-ui-store';
import { rollbackAvailability } from './rollback-availability';

export interface RollbackDialogProps {
  experiment: ExperimentView;
  source: GraphDataSource;
  /** The data's revision: the blast radius is asked again whenever the data moved. */
  revision: number;
  onRefresh(): void;
  onDone(result: TransitionResult): void;
}

/**
 * Confirms a rollback after showing exactly what the cascade takes down (the server's blast
 * radius, also highlighted in the graph), with a reason, against the version the user saw.
 * Not modal: the graph beside it shows the highlighted radius.
 */
export function RollbackDialog({
  experiment,
  source,
  revision,
  onRefresh,
  onDone,
}: RollbackDialogProps) {
  const { key } = experiment;
  const entries = useGraphUi((state) =>
    state.rollback?.key === key ? state.rollback.entries : null,
  );
  const setBlastRadius = useGraphUi((state) => state.setBlastRadius);
  const close = useGraphUi((state) => state.closeRollback);
  const user = useSession((state) => state.user);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [loadingRadius, setLoadingRadius] = useState(true);
  const [submitting, setSubmitting] = useState(false);
  const titleId = useId();
  const reasonId = useId();

  // Asked again whenever the data moves; on a living fleet that is every few seconds, so only
  // the first answer for this experiment disables Confirm. Later answers replace the list (and
  // the highlight) in place, without the button flickering under the user's pointer.
  const radiusLoadedFor = useRef<string | null>(null);
  useEffect(() => {
    let current = true;
    if (radiusLoadedFor.current !== key) setLoadingRadius(true);
    source.blastRadius(key).then(
      (radius) => {
        if (!current) return;
        setBlastRadius(key, radius);
        radiusLoadedFor.current = key;
        setLoadingRadius(false);
      },
      (error: unknown) => {
        if (!current) return;
        setProblem(errorMessage(error));
        setLoadingRadius(false);
      },
    );
    return () => {
      current = false;
    };
  }, [key, revision, source, setBlastRadius]);

  const availability = rollbackAvailability(experiment, user);
  const summary = entries ? summarizeBlastRadius(key, entries) : null;
  const canConfirm =
    availability.allowed &&
    summary !== null &&
    !loadingRadius &&
    !submitting &&
    reason.trim() !== '';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!canConfirm) return;
    setSubmitting(true);
    setProblem(null);
    source
      .rollback({
        key,
        expectedVersion: experiment.version,
        reason: reason.trim(),
        // What the list shows is what the user confirms: the server refuses if it grew since.
        expectedBlastRadius: (entries ?? []).map((entry) => entry.key),
      })
      .then(onDone, (error: unknown) => {
        setProblem(errorMessage(error));
        // Someone changed it, or the cascade grew, meanwhile: reload, which asks for the blast
        // radius again, so the list and the highlight show what a new confirm would take down.
        const code = errorCode(error);
        if (code === 'VERSION_CONFLICT' || code === 'CASCADE_CHANGED') onRefresh();
      })
      .finally(() => setSubmitting(false));
  };

  return (
    <aside
      className="graph-panel graph-panel--dialog"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') close();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId} className="graph-panel__title">
          Roll back {key}?
        </h2>
        {summary === null ? (
          <p className="hint" role="status">
            Working out what the cascade takes down…
          </p>
        ) : (
          <BlastRadiusList target={key} summary={summary} />
        )}
        <label htmlFor={reasonId} className="graph-panel__label">
          Reason (recorded in the audit log)
        </label>
        <textarea
          id={reasonId}
          className="graph-panel__reason"
          value={reason}
          required
          rows={3}
          onChange={(event) => setReason(event.target.value)}
          placeholder="e.g. error rate doubled after stage 2"
        />
        {!availability.allowed && <p className="hint">{availability.reason}</p>}
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <div className="graph-panel__actions">
          <button type="submit" className="button button--danger" disabled={!canConfirm}>
            {submitting
              ? 'Rolling back…'
              : summary && summary.total > 1
                ? `Roll back ${summary.total} experiments`
                : 'Roll back'}
          </button>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </aside>
  );
}

function BlastRadiusList({
  target,
  summary,
}: {
  target: string;
  summary: ReturnType<typeof summarizeBlastRadius>;
}) {
  if (summary.dependents.length === 0) {
    return (
      <p className="graph-panel__radius-summary">
        Nothing live depends on {target}: only {target} is rolled back.
      </p>
    );
  }
  return (
    <>
      <p className="graph-panel__radius-summary">
        The cascade takes down {summary.total} experiments, dependents first, in this order
        (highlighted in the graph):
      </p>
      <ol className="blast-radius" aria-label="Blast radius">
        {[...summary.dependents, ...(summary.target ? [summary.target] : [])].map((entry) => (
          <li key={entry.key} className="blast-radius__entry" data-key={entry.key}>
            <span className="blast-radius__key">{entry.key}</span>{' '}
            <StateBadge state={entry.state} />
            <span className="blast-radius__via">
              {entry.via ? ` requires ${entry.via}` : ' the experiment you chose'}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
