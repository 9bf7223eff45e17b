import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ExperimentDetail, TransitionResult } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { errorCode, errorMessage } from '../app/error-messages';
import { stateLabel } from '../../../shared/src/state-label';
import type { ActionAvailability } from './action-rules';
import { BlastRadiusList } from './blast-radius-list';
import { performAction } from './perform-action';

const PROMPTS: Record<ActionAvailability['kind'], string> = {
  advance: 'Ramp to the next stage now.',
  approve: 'Your approval is recorded with your name and reason.',
  pause: 'Pausing holds the current exposure and the ramps of experiments that require this one.',
  resume: 'Resuming restarts the current stage: its hold time and guardrail evidence begin again.',
  rollback:
    'Rolling back serves control to everyone, and rolls back every live experiment that requires this one first.',
  abort: 'Aborting ends the experiment for good; it serves control and cannot be restarted.',
};

/** Confirms one action: its consequence, a reason (required where the server requires one), and for a rollback the cascade. */
export function ActionDialog({
  experiment,
  expectedVersion,
  action,
  onCancel,
  onDone,
}: {
  experiment: ExperimentDetail;
  /** The version shown when the action was chosen: the server refuses the action if it moved. */
  expectedVersion: number;
  action: ActionAvailability;
  onCancel(): void;
  onDone(result: TransitionResult): void;
}) {
  const titleId = useId();
  const reasonId = useId();
  const hintId = useId();
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The blast radius as shown: its keys go with the rollback, so the server refuses it if the
  // cascade grew since (CASCADE_CHANGED); then the list is asked again and shown anew.
  // Until it is shown, a rollback waits for it; if it cannot be loaded, the rollback may still go
  // (in an incident, a failed preview must not stop it), with the failure shown above.
  const [shownRadius, setShownRadius] = useState<readonly string[] | null>(null);
  const [radiusFailed, setRadiusFailed] = useState(false);
  const [radiusAsk, setRadiusAsk] = useState(0);
  const cascadeSize = shownRadius?.length ?? null;
  const awaitingRadius = action.kind === 'rollback' && shownRadius === null && !radiusFailed;
  const missingReason = action.reasonRequired && reason.trim() === '';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (missingReason || sending || awaitingRadius) return;
    setSending(true);
    setError(null);
    const radius = action.kind === 'rollback' ? (shownRadius ?? undefined) : undefined;
    performAction(runwayClient(), action.kind, experiment.key, expectedVersion, reason, radius)
      .then(onDone)
      .catch((failure: unknown) => {
        setError(errorMessage(failure));
        setSending(false);
        if (errorCode(failure) === 'CASCADE_CHANGED') {
          setShownRadius(null);
          setRadiusFailed(false);
          setRadiusAsk((ask) => ask + 1);
        }
      });
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') onCancel();
  };
  const confirmLabel =
    action.kind === 'rollback' && cascadeSize !== null && cascadeSize > 1
      ? `Roll back ${cascadeSize} experiments`
      : action.label;

  return (
    <div className="action-dialog__backdrop">
      <form
        className="action-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={submit}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>
          {action.label}: <code>{experiment.key}</code>
        </h2>
        <p>{PROMPTS[action.kind]}</p>
        {action.note && <p className="notice">{action.note}</p>}
        {experiment.version !== expectedVersion && (
          <p className="notice" role="status">
            {experiment.key} changed while this dialog was open (it is now{' '}
            {stateLabel(experiment.state)}). The server will refuse this; cancel and look again.
          </p>
        )}
        {action.kind === 'rollback' && (
          <BlastRadiusList
            key={radiusAsk}
            experimentKey={experiment.key}
            onLoaded={(entries) => setShownRadius(entries.map((entry) => entry.key))}
            onFailed={() => setRadiusFailed(true)}
          />
        )}
        <label htmlFor={reasonId} className="action-dialog__label">
          Reason{action.reasonRequired ? '' : ' (optional)'}
        </label>
        <textarea
          id={reasonId}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          rows={3}
          maxLength={2_000}
          required={action.reasonRequired}
          aria-describedby={hintId}
          autoFocus
        />
        <p id={hintId} className="hint">
          {action.reasonRequired
            ? 'A reason is required: it goes to the audit log and to the people paged.'
            : 'Goes to the audit log with your name.'}
        </p>
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div className="action-dialog__buttons">
          <button type="button" className="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button button--primary${action.kind === 'rollback' || action.kind === 'abort' ? ' button--danger' : ''}`}
            disabled={missingReason || sending || awaitingRadius}
          >
            {sending ? 'Sending…' : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
