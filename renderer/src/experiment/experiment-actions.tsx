import { useId, useState } from 'react';
import type { ExperimentDetail, TransitionResult } from '../../../shared/src/api-types';
import { useSession } from '../api/session-store';
import { stateLabel } from '../../../shared/src/state-label';
import { actionAvailability, type ActionAvailability, type ActionKind } from './action-rules';
import { ActionDialog } from './action-dialog';

/** What changed, as one sentence ("rolled back 3 experiments: a, b, c"). */
export function describeResult(result: TransitionResult): string {
  if (result.changed.length === 0) return 'Nothing changed.';
  const [first] = result.changed;
  if (result.changed.length === 1 && first)
    return `${first.key} is now ${stateLabel(first.toState)}.`;
  return `${result.changed.length} experiments changed: ${result.changed
    .map((entry) => `${entry.key} (${stateLabel(entry.toState)})`)
    .join(', ')}.`;
}

/** The action buttons; a disabled one says why right below it. */
export function ExperimentActions({
  experiment,
  onChanged,
}: {
  experiment: ExperimentDetail;
  onChanged(): void;
}) {
  const user = useSession((state) => state.user);
  // The version the person saw when they chose the action is the one sent: a change made while
  // the dialog is open must be refused by the server, not silently acted on.
  const [open, setOpen] = useState<{ kind: ActionKind; version: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const actions = actionAvailability(experiment, user);
  const opened = actions.find((action) => action.kind === open?.kind) ?? null;

  return (
    <section className="experiment-actions" aria-label="Actions">
      <ul className="experiment-actions__list">
        {actions.map((action) => (
          <ActionButton
            key={action.kind}
            action={action}
            onOpen={() => {
              setDone(null);
              setOpen({ kind: action.kind, version: experiment.version });
            }}
          />
        ))}
      </ul>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {opened && open && (
        <ActionDialog
          experiment={experiment}
          expectedVersion={open.version}
          action={opened}
          onCancel={() => setOpen(null)}
          onDone={(result) => {
            setOpen(null);
            setDone(describeResult(result));
            onChanged();
          }}
        />
      )}
    </section>
  );
}

function ActionButton({ action, onOpen }: { action: ActionAvailability; onOpen(): void }) {
  const whyId = useId();
  return (
    <li className="experiment-actions__item">
      <button
        type="button"
        className={`button${action.kind === 'rollback' || action.kind === 'abort' ? ' button--danger' : ''}`}
        disabled={!action.enabled}
        aria-describedby={action.why ? whyId : undefined}
        onClick={onOpen}
        data-action={action.kind}
      >
        {action.label}
      </button>
      {action.why && (
        <span id={whyId} className="experiment-actions__why hint">
          {action.why}
        </span>
      )}
    </li>
  );
}
