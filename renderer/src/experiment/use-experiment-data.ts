import { useCallback } from 'react';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { ExperimentDetail, SliSeriesResult } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import type { LiveChange } from '../app/live-changes';
import { useLiveQuery } from '../app/use-live-query';
import { nextLiveSeries } from '../charts/live-points';

/** How often the charts and the gates (hold time, budgets) are refetched while the view is open. */
export const EXPERIMENT_POLL_MS = 2_000;
const AUDIT_LIMIT = 100;

export interface ExperimentData {
  detail: ExperimentDetail | null;
  series: SliSeriesResult | null;
  audit: AuditEntryView[] | null;
  /** Why the last load failed, as a sentence; null after a good one. */
  error: string | null;
  notFound: boolean;
  /** Reloads now (after an action). */
  reload(): void;
}

/** Which stretch the charts show: the current stage, or every stage since the start. */
export type ChartRange = 'stage' | 'all';

/**
 * One experiment with its SLI series and audit trail, polled every EXPERIMENT_POLL_MS (the
 * charts move with telemetry, which the change stream does not carry) and reloaded at once
 * when the live stream reports a change to this experiment.
 */
export function useExperimentData(
  key: string,
  range: ChartRange = 'stage',
  pollMs: number = EXPERIMENT_POLL_MS,
): ExperimentData {
  const load = useCallback(async () => {
    const client = runwayClient();
    // One batched HTTP request for all three.
    const [detail, series, audit] = await Promise.all([
      client.experiments.get.query({ key }),
      client.experiments.sliSeries.query(range === 'all' ? { key, sinceMs: 0 } : { key }),
      client.audit.list.query({ experimentKey: key, limit: AUDIT_LIMIT }),
    ]);
    return { detail, series: nextLiveSeries(series), audit };
  }, [key, range]);
  const relevant = useCallback(
    (change: LiveChange) => change.kind === 'resync' || change.entry.experimentKey === key,
    [key],
  );
  const { data, error, errorCode, reload } = useLiveQuery(load, pollMs, relevant);
  return {
    detail: data?.detail ?? null,
    series: data?.series ?? null,
    audit: data?.audit ?? null,
    error,
    notFound: errorCode === 'NOT_FOUND',
    reload,
  };
}
