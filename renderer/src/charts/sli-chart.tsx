import { memo, useCallback, useId, useMemo } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { SliSeries, StageMarker } from '../../../shared/src/api-types';
import {
  boundLines,
  formatSliValue,
  formatTick,
  stageMarkerLines,
  timeTicks,
  toChartRows,
  valueDomain,
} from './sli-chart-data';
import { SliChartTooltip } from './sli-chart-tooltip';
import './sli-chart.css';

export const SLI_CHART_HEIGHT = 240;

export interface SliChartProps {
  series: Pick<SliSeries, 'sli' | 'description' | 'unit' | 'bounds' | 'points'>;
  markers: readonly StageMarker[];
  /** The time range to show (the series' fromMs..toMs), so stage markers are placed in it. */
  rangeMs: readonly [number, number];
  /** A fixed width in px; without it the chart fills its container's width. */
  width?: number;
  height?: number;
  /** Keep the title for screen readers only (when the surrounding card already shows it). */
  titleHidden?: boolean;
}

const COLORS = {
  treatment: 'var(--chart-treatment, #d9480f)',
  control: 'var(--chart-control, #1c7ed6)',
  band: 'var(--chart-band, #ffa94d)',
  bound: 'var(--chart-bound, #c92a2a)',
  marker: 'var(--chart-marker, #868e96)',
  grid: 'var(--chart-grid, #dee2e6)',
};
const MARGIN = { top: 8, right: 16, bottom: 4, left: 8 };
const FEW_POINTS_DOT = { r: 3 };

/**
 * Treatment against control for one guardrail's SLI, with the bound, the always-valid interval
 * as a band and stage changes marked. Live updates replace the data every few seconds, so
 * every animation is off (an animation restarted on each update would never settle), and every
 * prop Recharts sees is kept stable between updates, so an update recomputes only the data.
 */
export const SliChart = memo(function SliChart({
  series,
  markers,
  rangeMs,
  width,
  height = SLI_CHART_HEIGHT,
  titleHidden = false,
}: SliChartProps) {
  const titleId = useId();
  const { unit, sli } = series;
  const rows = useMemo(() => toChartRows(series.points), [series.points]);
  const bounds = useMemo(() => boundLines(series), [series]);
  const [fromMs, toMs] = rangeMs;
  const xDomain = useMemo(() => [fromMs, toMs], [fromMs, toMs]);
  const xTicks = useMemo(() => timeTicks(fromMs, toMs), [fromMs, toMs]);
  const tickStepMs = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : toMs - fromMs;
  const clockTick = useCallback((atMs: number) => formatTick(atMs, tickStepMs), [tickStepMs]);
  const stageLines = useMemo(
    () =>
      stageMarkerLines(markers, fromMs, toMs).map((marker) => ({
        ...marker,
        labelProps: { value: marker.label, position: 'insideTopLeft' as const, fontSize: 11 },
      })),
    [markers, fromMs, toMs],
  );
  const computedDomain = useMemo(() => valueDomain(rows, bounds), [rows, bounds]);
  const [low, high] = computedDomain ?? [Number.NaN, Number.NaN];
  const yDomain = useMemo(
    () => (Number.isFinite(low) ? [low, high] : ['auto', 'auto']),
    [low, high],
  ) as [number, number] | ['auto', 'auto'];
  // A line through one or two points is barely visible (a stage just began): mark them.
  const dot = rows.length <= 2 ? FEW_POINTS_DOT : false;
  const formatValue = useCallback((value: number) => formatSliValue(value, unit), [unit]);
  const tooltip = useCallback(
    (props: TooltipContentProps) => <SliChartTooltip {...props} unit={unit} />,
    [unit],
  );
  const size = useMemo(
    () =>
      width === undefined
        ? { responsive: true, style: { width: '100%', height } }
        : { width, height },
    [width, height],
  );
  const title = series.description ? `${sli}: ${series.description}` : sli;

  return (
    <figure
      className="sli-chart"
      aria-labelledby={titleId}
      data-testid="sli-chart"
      data-sli={sli}
      data-points={rows.length}
      data-samples={rows.at(-1)?.treatmentSamples ?? 0}
    >
      <figcaption id={titleId} className={titleHidden ? 'visually-hidden' : 'sli-chart__title'}>
        {title}
      </figcaption>
      <ComposedChart
        {...size}
        data={rows}
        title={`${sli}: treatment against control`}
        desc={`The ${sli} of treatment and control since the stage began, with the guardrail bound and the confidence band.`}
        margin={MARGIN}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={COLORS.grid} />
        <XAxis
          dataKey="atMs"
          type="number"
          domain={xDomain}
          ticks={xTicks}
          allowDataOverflow
          tickFormatter={clockTick}
          minTickGap={40}
        />
        <YAxis width={64} domain={yDomain} tickFormatter={formatValue} allowDataOverflow />
        <Tooltip content={tooltip} isAnimationActive={false} />
        <Legend verticalAlign="top" height={24} />
        <Area
          name="confidence band"
          dataKey="band"
          stroke="none"
          fill={COLORS.band}
          fillOpacity={0.25}
          isAnimationActive={false}
          connectNulls={false}
          activeDot={false}
        />
        <Line
          name="control"
          dataKey="control"
          stroke={COLORS.control}
          strokeWidth={2}
          dot={dot}
          isAnimationActive={false}
        />
        <Line
          name="treatment"
          dataKey="treatment"
          stroke={COLORS.treatment}
          strokeWidth={2}
          dot={dot}
          isAnimationActive={false}
        />
        {bounds.map((line) =>
          line.kind === 'follows_control' ? (
            <Line
              key={line.dataKey}
              name={line.label}
              dataKey={line.dataKey}
              stroke={COLORS.bound}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
            />
          ) : (
            <ReferenceLine
              key={line.bound}
              y={line.y}
              stroke={COLORS.bound}
              strokeDasharray="6 4"
              label={line.label}
            />
          ),
        )}
        {stageLines.map((marker) => (
          <ReferenceLine
            key={`${marker.x}:${marker.label}`}
            x={marker.x}
            stroke={COLORS.marker}
            label={marker.labelProps}
          />
        ))}
      </ComposedChart>
    </figure>
  );
});
