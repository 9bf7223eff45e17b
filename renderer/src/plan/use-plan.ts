import { useCallback, useEffect, useRef, useState } from 'react';
import type { Plan } from '../../../server/src/scheduler/plan';
import { runwayClient } from '../api/runway-client';
import { coalescedRefresh, type CoalescedRefresh } from '../app/coalesced-refresh';
import { useConnection } from '../app/connection-store';
import { errorMessage, isConnectionError } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';

/** Changes arriving within this window share one forecast. */
const REFRESH_DELAY_MS = 150;
/** The forecast starts at now, and freezes and holds end with the clock: redo it now and then. */
export const PLAN_POLL_MS = 60_000;

export interface PlanData {
  /** null until the first answer. */
  plan: Plan | null;
  error: string | null;
  reload(): void;
}

/** scheduler.plan, redone after each burst of live changes and every PLAN_POLL_MS. */
export function usePlan(pollMs: number = PLAN_POLL_MS): PlanData {
  const [state, setState] = useState<Omit<PlanData, 'reload'>>({ plan: null, error: null });
  const refresh = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    const load = async (): Promise<void> => {
      try {
        const plan = await runwayClient().scheduler.plan.query();
        if (disposed) return;
        useConnection.getState().markOnline();
        setState({ plan, error: null });
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
