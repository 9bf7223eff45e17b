import type { JSX } from 'react';
import { useEffect, useState } from 'react';
import { AuditTrail } from './audit-trail';
import { BlockedPanel } from './blocked-panel';
import { ExperimentActions } from './experiment-actions';
import { ExperimentHeader } from './experiment-header';
import { GuardrailPanel } from './guardrail-panel';
import { SpecSummary } from './spec-summary';
import { StageList } from './stage-list';
import { useExperimentData, type ChartRange } from './use-experiment-data';
import './experiment-view.css';

/**
 * One experiment (/experiments/:key): who owns it and where it stands, what it may do next and
 * why not, its guardrails' SLIs live, its stages and history, and its audit trail.
 */
export function ExperimentView(props: {
  experimentKey: string;
  onNavigate(path: string): void;
  /** Fixed chart width (tests, benchmarks); the charts fill their column without it. */
  chartWidth?: number;
}): JSX.Element {
  const { experimentKey, onNavigate, chartWidth } = props;
  const [range, setRange] = useState<ChartRange>('stage');
  const data = useExperimentData(experimentKey, range);
  const nowMs = useSecondClock();
  const { detail } = data;

  if (!detail) {
    return (
      <section className="view experiment-view" aria-busy={data.error === null}>
        <h1>
          <code>{experimentKey}</code>
        </h1>
        {data.error ? (
          <p className="notice notice--error" role="alert">
            {data.error}
          </p>
        ) : (
          <p className="hint">Loading…</p>
        )}
      </section>
    );
  }
  return (
    <section className="view experiment-view" aria-label={`Experiment ${detail.key}`}>
      <ExperimentHeader experiment={detail} nowMs={nowMs} onNavigate={onNavigate} />
      {data.error && (
        <p className="notice notice--error" role="alert">
          {data.error} Showing what was last loaded.
        </p>
      )}
      <ExperimentActions experiment={detail} onChanged={data.reload} />
      <BlockedPanel experiment={detail} />
      <GuardrailPanel
        series={data.series}
        range={range}
        onRangeChange={setRange}
        nowMs={data.series?.nowMs ?? nowMs}
        {...(chartWidth !== undefined ? { chartWidth } : {})}
      />
      <div className="experiment-columns">
        <StageList experiment={detail} />
        <SpecSummary experiment={detail} onNavigate={onNavigate} />
      </div>
      <AuditTrail entries={data.audit} />
    </section>
  );
}

/** The wall clock, once a second (for "in this state for …"). */
function useSecondClock(): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return nowMs;
}
