import type { Db } from '../store/database';

/**
 * How a named SLI is computed from telemetry metrics. `ratio`: sum(numerator) / sum(denominator)
 * over the arm's sum metrics. `mean`: the mean of a histogram metric — the latency percentile
 * SLIs use this for now; a quantile estimator from the buckets is still to come.
 */
export type SliDefinition =
  | {
      readonly kind: 'ratio';
      readonly name: string;
      readonly numeratorMetric: string;
      readonly denominatorMetric: string;
    }
  | { readonly kind: 'mean'; readonly name: string; readonly valueMetric: string };

interface SliDefinitionRow {
  name: string;
  kind: 'ratio' | 'mean';
  numeratorMetric: string | null;
  denominatorMetric: string | null;
  valueMetric: string | null;
}

export class SliDefinitionStore {
  constructor(private readonly db: Db) {}

  /** The service's own definition if it has one, else the catalogue's default ('*'). */
  find(service: string, name: string): SliDefinition | null {
    const row = this.db
      .prepare(
        `SELECT name, kind, numerator_metric AS numeratorMetric, denominator_metric AS denominatorMetric,
          value_metric AS valueMetric
        FROM sli_definitions WHERE name = ? AND service IN ('*', ?)
        ORDER BY service = '*' LIMIT 1`,
      )
      .get(name, service) as SliDefinitionRow | undefined;
    if (!row) return null;
    if (row.kind === 'ratio') {
      return {
        kind: 'ratio',
        name: row.name,
        numeratorMetric: row.numeratorMetric ?? '',
        denominatorMetric: row.denominatorMetric ?? '',
      };
    }
    return { kind: 'mean', name: row.name, valueMetric: row.valueMetric ?? '' };
  }
}
