import type { FreezeView } from '../../../shared/src/api-types';
import { formatInstant } from '../../../shared/src/blocked-reasons';
import { freezeScope, relativeTime, splitFreezes } from './overview-format';

/** Freeze windows in force now and those scheduled (DESIGN §4): nothing starts or ramps in one. */
export function FreezeList({ freezes, nowMs }: { freezes: readonly FreezeView[]; nowMs: number }) {
  const { inForce, scheduled } = splitFreezes(freezes, nowMs);
  return (
    <section className="overview-card overview-freezes" aria-labelledby="overview-freezes-title">
      <h2 id="overview-freezes-title">Freezes</h2>
      {freezes.length === 0 ? (
        <p className="hint">
          No freeze in force or scheduled. Release managers freeze a service (or all of them) with{' '}
          <code>npx runway freeze</code>.
        </p>
      ) : (
        <>
          <FreezeGroup title="In force" freezes={inForce} nowMs={nowMs} empty="None right now." />
          <FreezeGroup
            title="Scheduled"
            freezes={scheduled}
            nowMs={nowMs}
            empty="None scheduled."
          />
        </>
      )}
    </section>
  );
}

function FreezeGroup(props: {
  title: string;
  freezes: readonly FreezeView[];
  nowMs: number;
  empty: string;
}) {
  const { title, freezes, nowMs, empty } = props;
  return (
    <div
      className="overview-freezes__group"
      role="group"
      aria-label={`Freezes ${title.toLowerCase()}`}
    >
      <h3>{title}</h3>
      {freezes.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <ul className="overview-list">
          {freezes.map((freeze) => (
            <li key={freeze.id} data-testid="freeze">
              <strong>{freezeScope(freeze)}</strong>{' '}
              {freeze.startsAtMs > nowMs
                ? `from ${formatInstant(freeze.startsAtMs, nowMs)} (${relativeTime(freeze.startsAtMs, nowMs)}) `
                : ''}
              until {formatInstant(freeze.endsAtMs, nowMs)} ({relativeTime(freeze.endsAtMs, nowMs)})
              <span className="overview-list__detail">
                {freeze.reason} — by {freeze.createdBy}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
