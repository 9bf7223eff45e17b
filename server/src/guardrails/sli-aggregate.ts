import type { SliSource } from '../../../shared/src/api-schemas';
import type { TelemetryAggregate } from '../telemetry/telemetry-aggregate';
import { histogramMean, histogramQuantile } from './histogram-estimates';
import type { SliAggregate } from './sli-estimates';

// How an SLI source turns an arm's OTLP telemetry into what the sequential test judges: one
// definition for the guardrail engine and for the charts that show what it judged.

/** The OTLP metrics an SLI source reads (none for PromQL). */
export function sourceMetrics(source: SliSource): string[] {
  switch (source.kind) {
    case 'ratio':
      return [source.numeratorMetric, source.denominatorMetric];
    case 'quantile':
    case 'mean':
      return [source.metric];
    case 'promql':
      return [];
  }
}

/**
 * The arm's SLI aggregate from its metrics' telemetry,
 * ratio as successes / trials, quantile and mean from the histogram.
 */
export function armAggregate(
  source: Exclude<SliSource, { kind: 'promql' }>,
  metric: (name: string) => TelemetryAggregate,
): SliAggregate {
  switch (source.kind) {
    case 'ratio':
      return {
        kind: 'ratio',
        successes: metric(source.numeratorMetric).sum?.total ?? 0,
        trials: metric(source.denominatorMetric).sum?.total ?? 0,
      };
    case 'quantile':
      return histogramQuantile(metric(source.metric).histogram, source.quantile);
    case 'mean':
      return histogramMean(metric(source.metric).histogram);
  }
}
