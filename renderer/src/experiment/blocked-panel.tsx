import type { ExperimentDetail } from '../../../shared/src/api-types';

/** Why a queued experiment waits, or what holds a running one's next ramp, each with its cause. */
export function BlockedPanel({ experiment }: { experiment: ExperimentDetail }) {
  if (experiment.blockedReasons.length === 0) return null;
  const title = experiment.state === 'running' ? 'What holds the next ramp' : 'Why it waits';
  return (
    <section className="experiment-section experiment-blocked" aria-labelledby="blocked-title">
      <h2 id="blocked-title">{title}</h2>
      <ul className="blocked-reasons">
        {experiment.blockedReasons.map((reason, index) => (
          <li key={`${reason.kind}:${index}`} className="blocked-reason" data-kind={reason.kind}>
            {reason.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
