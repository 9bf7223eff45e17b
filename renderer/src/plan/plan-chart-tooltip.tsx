import type { TooltipContentProps } from 'recharts';
import { stateLabel } from '../../../shared/src/state-label';
import { formatPlanTime, formatSpan, type PlanBar } from './plan-chart-data';

/** One experiment's place in the forecast, and what the forecast assumed for it. */
export function PlanChartTooltip({
  active,
  payload,
  nowMs,
}: Pick<TooltipContentProps, 'active' | 'payload'> & { nowMs: number }) {
  const bar = payload?.[0]?.payload as PlanBar | undefined;
  if (!active || !bar) return null;
  return (
    <div className="plan-chart__tooltip">
      <div className="plan-chart__tooltip-key">
        {bar.key} <span className="hint">({stateLabel(bar.state)})</span>
      </div>
      <PlanBarText bar={bar} nowMs={nowMs} />
      {bar.assumptions.length > 0 ? (
        <div className="hint">assumes {bar.assumptions.join('; ')}</div>
      ) : null}
      <div className="hint">click to open</div>
    </div>
  );
}

/** When a bar starts and ends, in words (also the accessible table's cells). */
export function PlanBarText({ bar, nowMs }: { bar: PlanBar; nowMs: number }) {
  switch (bar.kind) {
    case 'in_progress':
      return (
        <div>
          running now; completes {formatPlanTime(bar.endMs, nowMs)} (in{' '}
          {formatSpan(bar.endMs - nowMs)})
        </div>
      );
    case 'open_ended':
      return (
        <div>
          starts {formatPlanTime(bar.startMs, nowMs)}; does not complete within the forecast
        </div>
      );
    case 'scheduled':
      return (
        <div>
          starts {formatPlanTime(bar.startMs, nowMs)}, completes {formatPlanTime(bar.endMs, nowMs)}{' '}
          ({formatSpan(bar.endMs - bar.startMs)})
        </div>
      );
  }
}
