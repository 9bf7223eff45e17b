import type { OverviewView, ServiceBudgetView } from '../../../shared/src/api-types';
import {
  budgetGateText,
  budgetPolicyText,
  formatBurnRate,
  formatFraction,
  NOT_MEASURED,
  objectiveText,
  relativeTime,
  type BudgetPolicy,
} from './overview-format';

/** Each service's error budget and burn rate, and whether the budget gate holds it back now. */
export function BudgetTable({
  budgets,
  policy,
  nowMs,
}: {
  budgets: OverviewView['budgets'];
  policy: BudgetPolicy;
  nowMs: number;
}) {
  return (
    <section className="overview-card overview-budgets" aria-labelledby="overview-budgets-title">
      <h2 id="overview-budgets-title">Error budgets</h2>
      <p className="hint" data-testid="budget-policy">
        {budgetPolicyText(policy)}
      </p>
      {budgets.length === 0 ? (
        <p className="hint">
          No service has an SLO yet, so no budget gates any experiment. Set one with{' '}
          <code>npx runway policy set-slo</code>.
        </p>
      ) : (
        <table className="overview-table" aria-label="Error budgets by service">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Objective</th>
              <th scope="col" className="numeric">
                Budget left
              </th>
              <th scope="col" className="numeric">
                Burn rate
              </th>
              <th scope="col">Budget gate</th>
              <th scope="col">Measured</th>
            </tr>
          </thead>
          <tbody>
            {budgets.map((budget) => (
              <BudgetRow key={budget.service} budget={budget} policy={policy} nowMs={nowMs} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BudgetRow(props: { budget: ServiceBudgetView; policy: BudgetPolicy; nowMs: number }) {
  const { budget, policy, nowMs } = props;
  const measured = budget.remainingFraction !== null;
  return (
    <tr data-testid="budget-row" data-service={budget.service}>
      <th scope="row">{budget.service}</th>
      <td>{objectiveText(budget)}</td>
      <td className={`numeric${measured ? '' : ' muted'}`}>
        {formatFraction(budget.remainingFraction)}
      </td>
      <td className={`numeric${budget.burnRate === null ? ' muted' : ''}`}>
        {formatBurnRate(budget.burnRate)}
      </td>
      <td>
        <span
          className={`gate-status gate-status--${budget.blocking ? 'blocking' : measured ? 'open' : 'unknown'}`}
        >
          {budgetGateText(budget, policy)}
        </span>
      </td>
      <td className="muted">
        {budget.updatedAtMs === null
          ? NOT_MEASURED
          : `${relativeTime(budget.updatedAtMs, nowMs)}${budget.source ? ` (${budget.source})` : ''}`}
      </td>
    </tr>
  );
}
