import { useCallback, useEffect, useRef, useState } from 'react';
import type { OverviewView } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { coalescedRefresh, type CoalescedRefresh } from '../app/coalesced-refresh';
import { useConnection } from '../app/connection-store';
import { errorMessage, isConnectionError } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';

/** Changes arriving within this window share one reload. */
const REFRESH_DELAY_MS = 150;
/**
 * Budgets move with telemetry and freezes start and end with the clock, neither of which makes
 * an audit entry that the live stream would carry: poll slowly as well.
 */
export const OVERVIEW_POLL_MS = 30_000;

export interface OverviewData {
  /** null until the first answer. */
  overview: OverviewView | null;
  /** Why the last load failed, as a sentence; null after a good one. */
  error: string | null;
  /** Loads now (after an action, or to retry). */
  reload(): void;
}

/** overview.get, reloaded on every burst of live changes and every OVERVIEW_POLL_MS. */
export function useOverview(pollMs: number = OVERVIEW_POLL_MS): OverviewData {
  const [state, setState] = useState<Omit<OverviewData, 'reload'>>({
    overview: null,
    error: null,
  });
  const refresh = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    const load = async (): Promise<void> => {
      try {
        const overview = await runwayClient().overview.get.query();
        if (disposed) return;
        useConnection.getState().markOnline();
        setState({ overview, error: null });
      } catch (error) {
        if (disposed) return;
        if (isConnectionError(error)) useConnection.getState().markLost(errorMessage(error));
        setState((current) => ({ ...current, error: errorMessage(error) }));
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
  }, [pollMs]);

  useLiveChanges(() => refresh.current?.request());
  const reload = useCallback(() => refresh.current?.now(), []);
  return { ...state, reload };
}
