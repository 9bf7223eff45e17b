import { useEffect, useRef, useState } from 'react';
import type { ExperimentView } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { coalescedRefresh, type CoalescedRefresh } from '../app/coalesced-refresh';
import { useConnection } from '../app/connection-store';
import { errorMessage, isConnectionError } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';

/** Changes arriving within this window share one reload. */
const REFRESH_DELAY_MS = 150;
const RETRY_AFTER_CONNECTION_ERROR_MS = 2_000;

export interface QueueData {
  /** null until the first answer. */
  experiments: ExperimentView[] | null;
  /** Why the last load failed, as a sentence; null after a good one. */
  error: string | null;
}

/**
 * Every experiment (experiments.list), kept current by the live stream: any committed change
 * can move blocked reasons anywhere in the queue, so each burst of changes reloads the list.
 */
export function useQueueExperiments(): QueueData {
  const [data, setData] = useState<QueueData>({ experiments: null, error: null });
  const refresh = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    const load = async (): Promise<void> => {
      try {
        const experiments = await runwayClient().experiments.list.query();
        if (disposed) return;
        useConnection.getState().markOnline();
        setData({ experiments, error: null });
      } catch (error) {
        if (disposed) return;
        if (isConnectionError(error)) {
          // The banner says so for the whole console; the last good list stays on screen.
          useConnection.getState().markLost(errorMessage(error));
          retryTimer ??= setTimeout(() => {
            retryTimer = null;
            refresh.current?.request();
          }, RETRY_AFTER_CONNECTION_ERROR_MS);
        } else {
          setData((current) => ({ ...current, error: errorMessage(error) }));
        }
      }
    };
    const refresher = coalescedRefresh(load, REFRESH_DELAY_MS);
    refresh.current = refresher;
    refresher.now();
    return () => {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      refresher.dispose();
      refresh.current = null;
    };
  }, []);

  useLiveChanges(() => refresh.current?.request());
  return data;
}

/** The current time, moving every `intervalMs` (for "time in state"). */
export function useNow(intervalMs: number): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}
