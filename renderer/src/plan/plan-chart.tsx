import { memo, useCallback, useId, useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Rectangle,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type BarShapeProps,
  type TooltipContentProps,
} from 'recharts';
import {
  formatPlanTick,
  keyAxisWidth,
  type PlanBar,
  type PlanBarKind,
  type PlanTimeline,
} from './plan-chart-data';
import { PlanChartTooltip } from './plan-chart-tooltip';

const ROW_HEIGHT_PX = 30;
const AXIS_HEIGHT_PX = 48;
const MARGIN = { top: 20, right: 24, bottom: 4, left: 8 };

/** The state palette (app.css): running now, waiting its turn, or past the forecast's end. */
const BAR_FILL: Record<PlanBarKind, string> = {
  in_progress: 'var(--state-running, #1d5fd1)',
  scheduled: 'var(--state-queued, #3d4654)',
  open_ended: 'var(--state-paused, #a15c00)',
};
const COLORS = {
  now: 'var(--danger, #b42318)',
  grid: 'var(--border, #dde1e7)',
};

interface PlanChartProps {
  timeline: PlanTimeline;
  onOpenExperiment(key: string): void;
  /** A fixed width in px; without it the chart fills its container's width. */
  width?: number;
}

/**
 * The forecast as a timeline: one horizontal bar per experiment from its expected start to its
 * expected completion, a line at now. Clicking a bar opens the experiment; the table beside it
 * offers the same for the keyboard and screen readers.
 */
export const PlanChart = memo(function PlanChart({
  timeline,
  onOpenExperiment,
  width,
}: PlanChartProps) {
  const titleId = useId();
  const { bars, domain, ticks, nowMs } = timeline;
  const height = bars.length * ROW_HEIGHT_PX + AXIS_HEIGHT_PX + MARGIN.top;
  const stepMs = ticks.length > 1 ? ticks[1]! - ticks[0]! : domain[1] - domain[0];
  const tick = useCallback(
    (atMs: number) => formatPlanTick(atMs, stepMs, domain),
    [stepMs, domain],
  );
  const tooltip = useCallback(
    (props: TooltipContentProps) => <PlanChartTooltip {...props} nowMs={nowMs} />,
    [nowMs],
  );
  const shape = useBarShape(onOpenExperiment);
  const size = useMemo(
    () =>
      width === undefined
        ? { responsive: true, style: { width: '100%', height } }
        : { width, height },
    [width, height],
  );

  return (
    <figure className="plan-chart" aria-labelledby={titleId} data-testid="plan-chart">
      <figcaption id={titleId} className="plan-chart__title">
        Expected start and completion of{' '}
        {bars.length === 1 ? 'one experiment' : `${bars.length} experiments`}
      </figcaption>
      <BarChart {...size} data={bars} layout="vertical" margin={MARGIN} barCategoryGap={6}>
        <CartesianGrid horizontal={false} stroke={COLORS.grid} strokeDasharray="3 3" />
        <XAxis
          type="number"
          domain={domain}
          ticks={ticks}
          tickFormatter={tick}
          allowDataOverflow
          minTickGap={24}
        />
        <YAxis
          type="category"
          dataKey="key"
          width={keyAxisWidth(bars)}
          tick={{ fontSize: 12 }}
          interval={0}
        />
        <Tooltip
          content={tooltip}
          isAnimationActive={false}
          cursor={{ fill: 'var(--surface-muted, #f1f3f6)' }}
        />
        <ReferenceLine
          x={nowMs}
          stroke={COLORS.now}
          strokeWidth={2}
          label={{ value: 'now', position: 'top', fontSize: 11, fill: COLORS.now }}
        />
        <Bar
          dataKey="span"
          isAnimationActive={false}
          minPointSize={3}
          shape={shape}
          cursor="pointer"
        />
      </BarChart>
    </figure>
  );
});

/** Each bar in its kind's colour, opening its experiment on click. */
function useBarShape(onOpenExperiment: (key: string) => void) {
  return useCallback(
    (props: BarShapeProps) => {
      const bar = props.payload as PlanBar;
      return (
        <Rectangle
          {...props}
          fill={BAR_FILL[bar.kind]}
          fillOpacity={bar.kind === 'open_ended' ? 0.55 : 1}
          className={`plan-bar plan-bar--${bar.kind}`}
          data-key={bar.key}
          onClick={() => onOpenExperiment(bar.key)}
        />
      );
    },
    [onOpenExperiment],
  );
}
