import { useEffect, useRef, useState } from 'react';
import type { BlastRadiusEntry } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { errorMessage } from '../app/error-messages';
import { StateBadge } from '../app/state-badge';

type BlastState =
  | { kind: 'loading' }
  | { kind: 'loaded'; entries: BlastRadiusEntry[] }
  | { kind: 'failed'; message: string };

/**
 * What a rollback of `experimentKey` would take down, from the server's own cascade order
 * (experiments.blastRadius): every live experiment that requires it, directly or through
 * others, dependents first, and the experiment itself last.
 */
export function BlastRadiusList({
  experimentKey,
  onLoaded,
  onFailed,
}: {
  experimentKey: string;
  onLoaded?(entries: BlastRadiusEntry[]): void;
  onFailed?(): void;
}) {
  const [state, setState] = useState<BlastState>({ kind: 'loading' });
  // Notifications only: a new callback must not refetch.
  const notify = useRef(onLoaded);
  notify.current = onLoaded;
  const notifyFailed = useRef(onFailed);
  notifyFailed.current = onFailed;
  useEffect(() => {
    let disposed = false;
    runwayClient()
      .experiments.blastRadius.query({ key: experimentKey })
      .then((entries) => {
        if (disposed) return;
        setState({ kind: 'loaded', entries });
        notify.current?.(entries);
      })
      .catch((error: unknown) => {
        if (disposed) return;
        setState({ kind: 'failed', message: errorMessage(error) });
        notifyFailed.current?.();
      });
    return () => {
      disposed = true;
    };
  }, [experimentKey]);

  if (state.kind === 'loading')
    return <p className="hint">Working out what the rollback takes down…</p>;
  if (state.kind === 'failed')
    return (
      <p className="notice notice--error" role="alert">
        The blast radius could not be loaded: {state.message}
      </p>
    );
  const dependents = state.entries.filter((entry) => entry.key !== experimentKey);
  return (
    <div className="experiment-blast" aria-label="Blast radius">
      <p>
        {dependents.length === 0
          ? `Only ${experimentKey} is rolled back: no live experiment requires it.`
          : `This rolls back ${state.entries.length} experiments, dependents first:`}
      </p>
      {dependents.length > 0 && (
        <ol className="experiment-blast__list">
          {state.entries.map((entry) => (
            <li key={entry.key}>
              <code>{entry.key}</code> <StateBadge state={entry.state} />
              {entry.via && <span className="hint"> requires {entry.via}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
