import type { ExperimentDetail } from '../../../shared/src/api-types';
import { formatAt, formatHold } from './experiment-format';

type HistoryEntry = ExperimentDetail['history'][number];

/** Each stage with its hold and approval, where the experiment stands, and what happened when. */
export function StageList({ experiment }: { experiment: ExperimentDetail }) {
  const approvalOf = (stageIndex: number) =>
    experiment.approvals.find((approval) => approval.stageIndex === stageIndex);
  const experimentApproval = approvalOf(-1);
  return (
    <section className="experiment-section" aria-labelledby="stages-title">
      <h2 id="stages-title">Stages</h2>
      {experimentApproval && (
        <p>
          Approved to run by {experimentApproval.approver} at {formatAt(experimentApproval.atMs)}:{' '}
          {experimentApproval.reason}
        </p>
      )}
      <ol className="stage-list">
        {experiment.stages.map((stage, index) => {
          const approval = approvalOf(index);
          const entered = experiment.history.filter(
            (entry) =>
              entry.stageIndex === index && (entry.event === 'start' || entry.event === 'advance'),
          );
          return (
            <li
              key={index}
              className={`stage-list__stage stage-list__stage--${position(experiment, index)}`}
            >
              <div className="stage-list__summary">
                <strong>
                  Stage {index + 1}: {stage.percent}%
                </strong>{' '}
                · hold {formatHold(stage.holdMs)}
                {stage.approve && ' · needs approval'}
                <span className="stage-list__position hint">
                  {' '}
                  {positionLabel(experiment, index)}
                </span>
              </div>
              {stage.approve && (
                <div className="hint">
                  {approval
                    ? `approved by ${approval.approver} at ${formatAt(approval.atMs)}: ${approval.reason}`
                    : 'not approved yet'}
                </div>
              )}
              {entered.map((entry) => (
                <div key={`${entry.atMs}:${entry.event}`} className="hint">
                  entered {formatAt(entry.atMs)} by {entry.actor}
                  {entry.reason ? `: ${entry.reason}` : ''}
                </div>
              ))}
            </li>
          );
        })}
      </ol>
      <h3>History</h3>
      {experiment.history.length === 0 ? (
        <p className="hint">No changes yet.</p>
      ) : (
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Stage</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {experiment.history.map((entry, index) => (
              <HistoryRow key={index} entry={entry} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HistoryRow({ entry }: { entry: HistoryEntry }) {
  return (
    <tr>
      <td className="numeric">{formatAt(entry.atMs)}</td>
      <td>{entry.event}</td>
      <td>
        {entry.fromState ? `${entry.fromState.replace(/_/g, ' ')} → ` : ''}
        {entry.toState.replace(/_/g, ' ')}
      </td>
      <td className="numeric">
        {entry.stageIndex >= 0 ? `${entry.stageIndex + 1} (${entry.exposurePercent}%)` : '—'}
      </td>
      <td>{entry.actor}</td>
      <td>{entry.reason ?? ''}</td>
    </tr>
  );
}

function position(experiment: ExperimentDetail, index: number): 'done' | 'current' | 'next' {
  if (experiment.stageIndex < 0 || index > experiment.stageIndex) return 'next';
  if (index < experiment.stageIndex || experiment.state === 'completed') return 'done';
  return 'current';
}

function positionLabel(experiment: ExperimentDetail, index: number): string {
  switch (position(experiment, index)) {
    case 'done':
      return '(done)';
    case 'current':
      return experiment.state === 'running' || experiment.state === 'paused'
        ? `(current, ${experiment.state})`
        : `(where it stopped: ${experiment.state.replace(/_/g, ' ')})`;
    case 'next':
      return '';
  }
}
