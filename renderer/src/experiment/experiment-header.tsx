import type { ExperimentDetail } from '../../../shared/src/api-types';
import { StateBadge } from '../app/state-badge';
import { formatAgo } from './experiment-format';
import { NavLink } from './nav-link';

/** Who and what: key, title, state and the facts a release manager scans first. */
export function ExperimentHeader({
  experiment,
  nowMs,
  onNavigate,
}: {
  experiment: ExperimentDetail;
  nowMs: number;
  onNavigate(path: string): void;
}) {
  const stage =
    experiment.stageIndex >= 0
      ? `${experiment.stageIndex + 1} of ${experiment.stageCount} at ${experiment.exposurePercent}%`
      : `not started (${experiment.stageCount} stages)`;
  const facts: Array<[string, string]> = [
    ['Owner', experiment.owner],
    ['Team', experiment.team],
    ['Service', experiment.service],
    ['Layer', experiment.layer],
    ['Priority', String(experiment.priority)],
    ['Risk', experiment.risk],
    ['Stage', stage],
    ['Enqueued by', experiment.author],
    ['In this state', formatAgo(experiment.stateChangedAtMs, nowMs).replace(/ ago$/, '')],
  ];
  return (
    <header className="view__header experiment-header">
      <p className="experiment-header__crumbs">
        <NavLink to="/queue" onNavigate={onNavigate}>
          Queue
        </NavLink>{' '}
        / <code>{experiment.key}</code>
      </p>
      <h1 className="experiment-header__title">
        <span>{experiment.title}</span> <StateBadge state={experiment.state} />
      </h1>
      <p className="experiment-header__key muted">
        <code>{experiment.key}</code> · version {experiment.version}
        {experiment.hypothesis ? ` · ${experiment.hypothesis}` : ''}
      </p>
      <dl className="experiment-facts">
        {facts.map(([label, value]) => (
          <div key={label} className="experiment-facts__item">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
