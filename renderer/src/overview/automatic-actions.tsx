import type { OverviewView } from '../../../shared/src/api-types';
import { Link } from '../app/link';
import { experimentPath } from '../app/routes';
import { changeText } from '../audit/change-text';
import { formatAt } from '../experiment/experiment-format';
import { relativeTime } from './overview-format';

type AutomaticAction = OverviewView['recentAutomaticActions'][number];

/** Who acted, in words: Runway's own actors are named after the part of Runway that decided. */
const ACTOR_LABEL: Record<string, string> = {
  'runway:guardrails': 'guardrails',
  'runway:scheduler': 'scheduler',
};

/** The latest changes Runway made on its own: guardrail pauses and rollbacks, scheduler starts and ramps. */
export function AutomaticActions({
  actions,
  nowMs,
}: {
  actions: readonly AutomaticAction[];
  nowMs: number;
}) {
  return (
    <section className="overview-card overview-actions" aria-labelledby="overview-actions-title">
      <h2 id="overview-actions-title">Recent automatic actions</h2>
      {actions.length === 0 ? (
        <p className="hint">
          Runway has not acted on its own yet. The scheduler&apos;s starts and ramps and the
          guardrails&apos; pauses and rollbacks show here as they happen.
        </p>
      ) : (
        <table className="overview-table" aria-label="Recent automatic actions">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Experiment</th>
              <th scope="col">Change</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((action) => (
              <AutomaticActionRow key={action.seq} action={action} nowMs={nowMs} />
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">
        <Link to="/audit?actor=runway%3Aguardrails">Guardrail actions in the audit log</Link> ·{' '}
        <Link to="/audit?actor=runway%3Ascheduler">Scheduler actions in the audit log</Link>
      </p>
    </section>
  );
}

function AutomaticActionRow({ action, nowMs }: { action: AutomaticAction; nowMs: number }) {
  return (
    <tr data-testid="automatic-action">
      <td className="overview-table__when">
        <time dateTime={new Date(action.atMs).toISOString()} title={formatAt(action.atMs)}>
          {relativeTime(action.atMs, nowMs)}
        </time>
      </td>
      <td>{ACTOR_LABEL[action.actor] ?? action.actor}</td>
      <td>
        {action.experimentKey ? (
          <Link to={experimentPath(action.experimentKey)} className="overview-key">
            {action.experimentKey}
          </Link>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{changeText(action) || action.action}</td>
      <td>{action.reason ?? ''}</td>
    </tr>
  );
}
