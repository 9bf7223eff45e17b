import type { TooltipContentProps } from 'recharts';
import { formatClock, formatSliValue, VERDICT_LABEL, type SliChartRow } from './sli-chart-data';

/** The hovered instant: both arms with their samples, the interval and the verdict there. */
export function SliChartTooltip({
  active,
  payload,
  unit,
}: Pick<TooltipContentProps, 'active' | 'payload'> & { unit: string | null }) {
  const row = payload?.[0]?.payload as SliChartRow | undefined;
  if (!active || !row) return null;
  const value = (number: number | null): string => formatSliValue(number, unit);
  return (
    <div className="sli-chart__tooltip">
      <div className="sli-chart__tooltip-time">
        {formatClock(row.atMs)} UTC · stage {row.stageIndex + 1}
      </div>
      <div>
        treatment {value(row.treatment)}{' '}
        <span className="hint">({row.treatmentSamples} samples)</span>
      </div>
      <div>
        control {value(row.control)} <span className="hint">({row.controlSamples} samples)</span>
      </div>
      {row.band && (
        <div>
          interval {value(row.band[0])} – {value(row.band[1])}
        </div>
      )}
      <div>verdict: {VERDICT_LABEL[row.verdict]}</div>
    </div>
  );
}
