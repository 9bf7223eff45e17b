import { Link } from '../app/link';
import { experimentPath } from '../app/routes';
import { StateBadge } from '../app/state-badge';
import type { PlanBar, UnforecastEntry } from './plan-chart-data';
import { PlanBarText } from './plan-chart-tooltip';

/** The timeline's bars as a table: what the chart shows, for the keyboard and screen readers. */
export function PlanTable({ bars, nowMs }: { bars: readonly PlanBar[]; nowMs: number }) {
  return (
    <table className="plan-table" aria-label="Forecast by experiment">
      <thead>
        <tr>
          <th scope="col">Experiment</th>
          <th scope="col">State</th>
          <th scope="col" aria-sort="ascending">
            Expected
          </th>
          <th scope="col">Assumes</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.key} data-testid="plan-row" data-key={bar.key}>
            <th scope="row">
              <Link to={experimentPath(bar.key)} className="plan-table__key">
                {bar.key}
              </Link>
            </th>
            <td>
              <StateBadge state={bar.state} />
            </td>
            <td>
              <PlanBarText bar={bar} nowMs={nowMs} />
            </td>
            <td className="plan-table__assumptions">
              {bar.assumptions.length > 0 ? (
                bar.assumptions.join('; ')
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Experiments the forecast could not place in time, each with why. */
export function UnforecastList({ entries }: { entries: readonly UnforecastEntry[] }) {
  return (
    <section className="plan-section" aria-labelledby="plan-unforecast-title">
      <h2 id="plan-unforecast-title">Cannot be forecast</h2>
      <ul className="plan-unforecast">
        {entries.map((entry) => (
          <li key={entry.key} data-testid="unforecast" data-key={entry.key}>
            <Link to={experimentPath(entry.key)} className="plan-table__key">
              {entry.key}
            </Link>{' '}
            <StateBadge state={entry.state} />
            <ul className="blocked-reasons">
              {entry.reasons.map((reason) => (
                <li key={reason} className="blocked-reason">
                  {reason}
                </li>
              ))}
            </ul>
            {entry.assumptions.length > 0 ? (
              <p className="hint plan-unforecast__assumes">
                assumes {entry.assumptions.join('; ')}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
