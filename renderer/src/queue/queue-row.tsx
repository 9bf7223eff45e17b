import { memo, useEffect, useRef, type MouseEvent } from 'react';
import type { ExperimentView } from '../../../shared/src/api-types';
import { experimentPath } from '../app/routes';
import { StateBadge } from '../app/state-badge';
import { exposureLabel, formatTimeInState, stageLabel } from './queue-format';

interface QueueRowProps {
  experiment: ExperimentView;
  selected: boolean;
  nowMs: number;
  onSelect(key: string): void;
  onOpen(key: string): void;
}

/** One experiment in the queue; its blocked reasons are the server's own sentences. */
export const QueueRow = memo(function QueueRow({
  experiment,
  selected,
  nowMs,
  onSelect,
  onOpen,
}: QueueRowProps) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  const openLink = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    onOpen(experiment.key);
  };
  const { blockedReasons } = experiment;
  return (
    <tr
      ref={ref}
      className={selected ? 'queue-row queue-row--selected' : 'queue-row'}
      aria-selected={selected}
      data-key={experiment.key}
      data-state={experiment.state}
      data-testid="queue-row"
      onClick={() => onSelect(experiment.key)}
      onDoubleClick={() => onOpen(experiment.key)}
    >
      <td className="queue-row__experiment">
        <a href={experimentPath(experiment.key)} className="queue-row__key" onClick={openLink}>
          {experiment.key}
        </a>
        <span className="queue-row__title">{experiment.title}</span>
      </td>
      <td>
        <StateBadge state={experiment.state} />
      </td>
      <td className="queue-row__exposure">
        <span className="queue-row__stage">{stageLabel(experiment)}</span>
        <span className="exposure-bar" aria-hidden="true">
          <span
            className={`exposure-bar__fill exposure-bar__fill--${experiment.state}`}
            style={{ width: `${Math.min(100, Math.max(0, experiment.exposurePercent))}%` }}
          />
        </span>
        <span className="queue-row__percent">{exposureLabel(experiment)}</span>
      </td>
      <td className="queue-row__pair">
        <span className="queue-row__owner">{experiment.owner}</span>
        <span className="queue-row__secondary">{experiment.team}</span>
      </td>
      <td className="queue-row__pair">
        <span>{experiment.service}</span>
        <span className="queue-row__secondary">{experiment.layer}</span>
      </td>
      <td className="numeric">{experiment.priority}</td>
      <td className="numeric" title={new Date(experiment.stateChangedAtMs).toLocaleString()}>
        {formatTimeInState(nowMs - experiment.stateChangedAtMs)}
      </td>
      <td className="queue-row__blocked">
        {blockedReasons.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="blocked-reasons" data-testid="blocked-reasons">
            {blockedReasons.map((reason, index) => (
              <li
                key={`${reason.kind}-${index}`}
                className={`blocked-reason blocked-reason--${reason.kind}`}
              >
                {reason.message}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
});
