import type { ReactNode } from 'react';
import type { ExperimentDetail } from '../../../shared/src/api-types';
import { experimentPath } from '../app/routes';
import { formatAt, formatGuardrailBounds, formatHold } from './experiment-format';
import { NavLink } from './nav-link';

/** The spec as enqueued, read as a definition list; related experiments are links. */
export function SpecSummary({
  experiment,
  onNavigate,
}: {
  experiment: ExperimentDetail;
  onNavigate(path: string): void;
}) {
  const keys = (list: readonly string[], none: string) =>
    list.length === 0 ? (
      <span className="hint">{none}</span>
    ) : (
      <ul className="key-list">
        {list.map((key) => (
          <li key={key}>
            <NavLink to={experimentPath(key)} onNavigate={onNavigate}>
              {key}
            </NavLink>
          </li>
        ))}
      </ul>
    );
  return (
    <section className="experiment-section" aria-labelledby="spec-title">
      <h2 id="spec-title">Spec</h2>
      <dl className="spec-list">
        {experiment.hypothesis && <Entry term="hypothesis">{experiment.hypothesis}</Entry>}
        {experiment.channel && <Entry term="channel">{experiment.channel}</Entry>}
        <Entry term="requires">{keys(experiment.requires, 'nothing')}</Entry>
        <Entry term="excludes">{keys(experiment.excludes, 'nothing')}</Entry>
        <Entry term="after">{keys(experiment.after, 'nothing')}</Entry>
        <Entry term="required by">{keys(experiment.dependents, 'no experiment')}</Entry>
        {(experiment.notBeforeMs !== null || experiment.notAfterMs !== null) && (
          <Entry term="window">
            {experiment.notBeforeMs !== null ? `from ${formatAt(experiment.notBeforeMs)}` : ''}
            {experiment.notBeforeMs !== null && experiment.notAfterMs !== null ? ' ' : ''}
            {experiment.notAfterMs !== null ? `until ${formatAt(experiment.notAfterMs)}` : ''}
          </Entry>
        )}
        <Entry term="stages">
          <ul className="spec-list__items">
            {experiment.stages.map((stage, index) => (
              <li key={index}>
                <code>
                  {`{ percent: ${stage.percent}, hold: ${formatHold(stage.holdMs)}${stage.approve ? ', approve: true' : ''} }`}
                </code>
              </li>
            ))}
          </ul>
        </Entry>
        <Entry term="guardrails">
          {experiment.guardrails.length === 0 ? (
            <span className="hint">none</span>
          ) : (
            <ul className="spec-list__items">
              {experiment.guardrails.map((guardrail) => (
                <li key={guardrail.sli}>
                  <code>{guardrail.sli}</code> {formatGuardrailBounds(guardrail)} over{' '}
                  {formatHold(guardrail.windowMs)}, on failure{' '}
                  {guardrail.action === 'rollback' ? 'roll back' : 'pause'}
                </li>
              ))}
            </ul>
          )}
        </Entry>
      </dl>
    </section>
  );
}

function Entry({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="spec-list__entry">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
