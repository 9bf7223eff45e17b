import type { SliSeries, SliSeriesResult } from '../../../shared/src/api-types';
import { formatSliValue, VERDICT_LABEL } from '../charts/sli-chart-data';
import { SliChart } from '../charts/sli-chart';
import { formatAgo } from './experiment-format';
import type { ChartRange } from './use-experiment-data';

const RANGES: ReadonlyArray<[ChartRange, string]> = [
  ['stage', 'This stage'],
  ['all', 'Every stage'],
];

/** One live chart per guardrail, with the engine's latest verdict in words beside it. */
export function GuardrailPanel({
  series,
  range,
  onRangeChange,
  nowMs,
  chartWidth,
}: {
  series: SliSeriesResult | null;
  range: ChartRange;
  onRangeChange(range: ChartRange): void;
  nowMs: number;
  /** Fixed chart width (tests, benchmarks); the charts fill their column without it. */
  chartWidth?: number;
}) {
  return (
    <section className="experiment-section" aria-labelledby="guardrails-title">
      <div className="guardrail-panel__header">
        <h2 id="guardrails-title">Guardrails</h2>
        <fieldset className="guardrail-panel__range">
          <legend className="visually-hidden">Chart range</legend>
          {RANGES.map(([value, label]) => (
            <label key={value}>
              <input
                type="radio"
                name="chart-range"
                value={value}
                checked={range === value}
                onChange={() => onRangeChange(value)}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
      </div>
      <p className="hint">
        Each point counts the telemetry since its stage began, as the sequential test judges it; the
        band is the always-valid 95% interval there.
      </p>
      {series === null ? (
        <p className="hint">Loading the SLI charts…</p>
      ) : series.series.length === 0 ? (
        <p className="hint">No guardrails: nothing watches this experiment's SLIs.</p>
      ) : series.markers.length === 0 ? (
        <p className="hint">The charts begin when the experiment starts.</p>
      ) : (
        <div className="guardrail-grid">
          {series.series.map((one) => (
            <GuardrailCard
              key={one.sli}
              series={one}
              result={series}
              nowMs={nowMs}
              chartWidth={chartWidth}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function GuardrailCard({
  series,
  result,
  nowMs,
  chartWidth,
}: {
  series: SliSeries;
  result: SliSeriesResult;
  nowMs: number;
  chartWidth: number | undefined;
}) {
  const latest = series.latest;
  const current = latest !== null && latest.stageIndex === result.stageIndex;
  const hasData = series.points.some((point) => point.treatmentSamples > 0);
  return (
    <article className="guardrail-card">
      <header className="guardrail-card__header">
        <h3>{series.sli}</h3>
        {series.description && <span className="hint">{series.description}</span>}
        <span className={`verdict verdict--${current ? latest.verdict : 'none'}`}>
          {current ? VERDICT_LABEL[latest.verdict] : 'not judged at this stage yet'}
        </span>
        <span className="hint">
          on failure: {series.action === 'rollback' ? 'roll back' : 'pause'}
        </span>
      </header>
      {current && latest.reason && (
        <p className="guardrail-card__reason">
          {latest.reason} <span className="hint">({formatAgo(latest.evaluatedAtMs, nowMs)})</span>
        </p>
      )}
      {current && latest.estimate !== null && latest.bound !== null && (
        <p className="visually-hidden">
          Latest estimate{' '}
          {latest.bound.endsWith('Relative')
            ? `${(latest.estimate * 100).toFixed(1)}% relative to control`
            : formatSliValue(latest.estimate, series.unit)}
        </p>
      )}
      {series.unavailable ? (
        <p className="notice">{series.unavailable}</p>
      ) : !hasData ? (
        <p className="notice">
          No telemetry for {series.sli} since this stage began. Runway judges nothing without data,
          and a whole guardrail window without any pauses the experiment.
        </p>
      ) : null}
      {!series.unavailable && (
        <SliChart
          series={series}
          markers={result.markers}
          rangeMs={[result.fromMs, result.toMs]}
          titleHidden
          {...(chartWidth !== undefined ? { width: chartWidth } : {})}
        />
      )}
    </article>
  );
}
