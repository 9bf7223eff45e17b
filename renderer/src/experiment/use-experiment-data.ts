import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { ExperimentDetail, SliSeriesResult } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { coalescedRefresh, type CoalescedRefresh } from '../app/coalesced-refresh';
import { errorCode, errorMessage } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';
import { nextLiveSeries } from '../charts/live-points';

/** How often the charts and the gates (hold time, budgets) are refetched while the view is open. */
export const EXPERIMENT_POLL_MS = 2_000;
/** Changes arriving within this window share one reload. */
const REFRESH_DELAY_MS = 150;
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

/**
 * One experiment with its SLI series and audit trail, polled every EXPERIMENT_POLL_MS (the
 * charts move with telemetry, which the change stream does not carry) and reloaded at once
 * when the live stream reports a change to this experiment.
 */
/** Which stretch the charts show: the current stage, or every stage since the start. */
export type ChartRange = 'stage' | 'all';

export function useExperimentData(
  key: string,
  range: ChartRange = 'stage',
  pollMs: number = EXPERIMENT_POLL_MS,
): ExperimentData {
  const [state, setState] = useState<Omit<ExperimentData, 'reload'>>({
    detail: null,
    series: null,
    audit: null,
    error: null,
    notFound: false,
  });
  const refresh = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    const load = async (): Promise<void> => {
      const client = runwayClient();
      try {
        // One batched HTTP request for all three.
        const [detail, series, audit] = await Promise.all([
          client.experiments.get.query({ key }),
          client.experiments.sliSeries.query(range === 'all' ? { key, sinceMs: 0 } : { key }),
          client.audit.list.query({ experimentKey: key, limit: AUDIT_LIMIT }),
        ]);
        if (disposed) return;
        setState({ detail, series: nextLiveSeries(series), audit, error: null, notFound: false });
      } catch (error) {
        if (disposed) return;
        setState((current) => ({
          ...current,
          error: errorMessage(error),
          notFound: errorCode(error) === 'NOT_FOUND',
        }));
      }
    };
    const refresher = coalescedRefresh(load, REFRESH_DELAY_MS);
    refresh.current = refresher;
    refresher.now();
    const timer = setInterval(() => refresher.request(), pollMs);
    return () => {
      disposed = true;
      clearInterval(timer);
      refresher.dispose();
      refresh.current = null;
    };
  }, [key, range, pollMs]);

  useLiveChanges((change) => {
    if (change.kind === 'resync' || change.entry.experimentKey === key) refresh.current?.request();
  });

  const reload = useCallback(() => refresh.current?.now(), []);
  return { ...state, reload };
}
