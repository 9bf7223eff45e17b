import type { ExperimentView } from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import { StateBadge } from '../app/state-badge';
import { VERDICT_LABELS, stageLabel } from './node-appearance';
import type { Availability } from './rollback-availability';

export interface DetailsPanelProps {
  experiment: ExperimentView;
  health: GuardrailVerdict | null;
  rollback: Availability;
  onOpen(key: string): void;
  onRollback(key: string): void;
  onSelect(key: string | null): void;
}

/** The selected experiment: where it stands, what it depends on, why it waits, and actions. */
export function DetailsPanel({
  experiment,
  health,
  rollback,
  onOpen,
  onRollback,
  onSelect,
}: DetailsPanelProps) {
  const { key } = experiment;
  const reasonId = `rollback-unavailable-${key}`;
  return (
    <aside className="graph-panel" aria-label={`Details of ${key}`}>
      <header className="graph-panel__header">
        <h2 className="graph-panel__title">{key}</h2>
        <StateBadge state={experiment.state} />
        <button
          type="button"
          className="button button--quiet graph-panel__close"
          aria-label="Close details"
          onClick={() => onSelect(null)}
        >
          ×
        </button>
      </header>
      <p className="graph-panel__subtitle">{experiment.title}</p>
      <dl className="graph-panel__facts">
        <dt>Owner</dt>
        <dd>{experiment.owner}</dd>
        <dt>Team</dt>
        <dd>{experiment.team}</dd>
        <dt>Service</dt>
        <dd>{experiment.service}</dd>
        <dt>Layer</dt>
        <dd>{experiment.layer}</dd>
        <dt>Stage</dt>
        <dd>{stageLabel(experiment)}</dd>
        <dt>Priority</dt>
        <dd>
          {experiment.priority} · {experiment.risk} risk
        </dd>
        <dt>Guardrails</dt>
        <dd>
          {health ? (
            <>
              <span className={`health-dot health-dot--${health}`} aria-hidden="true" />{' '}
              {VERDICT_LABELS[health]}
            </>
          ) : experiment.guardrails.length === 0 ? (
            'none'
          ) : (
            'not evaluated at this stage'
          )}
        </dd>
      </dl>
      <Relations label="Requires" keys={experiment.requires} onSelect={onSelect} />
      <Relations label="Excludes" keys={experiment.excludes} onSelect={onSelect} />
      <Relations label="After" keys={experiment.after} onSelect={onSelect} />
      {experiment.blockedReasons.length > 0 && (
        <section className="graph-panel__section">
          <h3>Why it waits</h3>
          <ul className="blocked-reasons">
            {experiment.blockedReasons.map((reason, index) => (
              <li key={index} className={`blocked-reason blocked-reason--${reason.kind}`}>
                {reason.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="graph-panel__actions">
        <button type="button" className="button button--primary" onClick={() => onOpen(key)}>
          Open
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={!rollback.allowed}
          aria-describedby={rollback.allowed ? undefined : reasonId}
          onClick={() => onRollback(key)}
        >
          Roll back…
        </button>
      </div>
      {!rollback.allowed && (
        <p id={reasonId} className="hint graph-panel__unavailable">
          {rollback.reason}
        </p>
      )}
    </aside>
  );
}

function Relations({
  label,
  keys,
  onSelect,
}: {
  label: string;
  keys: readonly string[];
  onSelect(key: string): void;
}) {
  if (keys.length === 0) return null;
  return (
    <section className="graph-panel__section">
      <h3>{label}</h3>
      <ul className="graph-panel__relations">
        {keys.map((key) => (
          <li key={key}>
            <button type="button" className="link-button" onClick={() => onSelect(key)}>
              {key}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
