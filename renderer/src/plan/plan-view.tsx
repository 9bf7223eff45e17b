import { useMemo } from 'react';
import { formatAt } from '../experiment/experiment-format';
import { PlanChart } from './plan-chart';
import { formatSpan, planTimeline, type PlanTimeline } from './plan-chart-data';
import { PlanTable, UnforecastList } from './plan-table';
import { usePlan } from './use-plan';
import './plan-view.css';

interface PlanViewProps {
  onOpenExperiment(key: string): void;
  /** Fixed chart width (tests); the chart fills its column without it. */
  chartWidth?: number;
  pollMs?: number;
}

/**
 * The what-if forecast (/plan, `runway plan`): when each queued experiment is expected to start
 * and complete if everything runs to plan, as a timeline; what it cannot place, with why. Live.
 */
export function PlanView({ onOpenExperiment, chartWidth, pollMs }: PlanViewProps) {
  const { plan, error, reload } = usePlan(pollMs);
  const timeline = useMemo(() => (plan ? planTimeline(plan) : null), [plan]);
  return (
    <section className="view plan-view" aria-labelledby="plan-title" aria-busy={!plan && !error}>
      <header className="view__header">
        <h1 id="plan-title">Plan</h1>
        {plan ? (
          <p className="hint plan-view__assumes">
            Forecast from {formatAt(plan.generatedAtMs)} over {formatSpan(plan.horizonMs)}. It
            assumes guardrails pass, every stage holds exactly its hold time, and pending approvals
            are given; freezes, budgets, caps and schedule windows apply as configured.
          </p>
        ) : null}
      </header>
      {error ? (
        <div className="notice notice--error plan-view__error">
          <p role="alert">{plan ? `${error} Showing the last forecast.` : error}</p>
          <button type="button" className="button" onClick={reload}>
            Try again
          </button>
        </div>
      ) : null}
      {timeline ? (
        <PlanBody timeline={timeline} onOpenExperiment={onOpenExperiment} chartWidth={chartWidth} />
      ) : error ? null : (
        <p className="hint" role="status">
          Forecasting…
        </p>
      )}
    </section>
  );
}

function PlanBody(props: Omit<PlanViewProps, 'pollMs'> & { timeline: PlanTimeline }) {
  const { timeline, onOpenExperiment, chartWidth } = props;
  if (timeline.bars.length === 0 && timeline.unforecast.length === 0)
    return (
      <div className="empty-state">
        <p>Nothing is queued or running, so there is nothing to forecast.</p>
        <p className="hint">
          Enqueue an experiment to see when it would start:{' '}
          <code>npx runway enqueue checkout-v2.yaml</code>
        </p>
      </div>
    );
  return (
    <>
      {timeline.truncated ? (
        <p className="notice plan-view__truncated" role="status">
          The forecast stopped early at its step limit; experiments further out may be missing.
        </p>
      ) : null}
      {timeline.bars.length > 0 ? (
        <div className="plan-section">
          <PlanChart
            timeline={timeline}
            onOpenExperiment={onOpenExperiment}
            {...(chartWidth !== undefined ? { width: chartWidth } : {})}
          />
          <PlanTable bars={timeline.bars} nowMs={timeline.nowMs} />
        </div>
      ) : (
        <p className="hint">No experiment is expected to start or complete within the forecast.</p>
      )}
      {timeline.unforecast.length > 0 ? <UnforecastList entries={timeline.unforecast} /> : null}
    </>
  );
}
