import { useCallback, useEffect, useRef, useState } from 'react';
import { coalescedRefresh, type CoalescedRefresh } from './coalesced-refresh';
import { useConnection } from './connection-store';
import type { ErrorCode } from '../../../shared/src/errors';
import { errorCode, errorMessage, isConnectionError } from './error-messages';
import { useLiveChanges, type LiveChange } from './live-changes';

/** Changes arriving within this window share one reload. */
const REFRESH_DELAY_MS = 150;

export interface LiveQuery<T> {
  /** null until the first answer. */
  data: T | null;
  /** Why the last load failed, as a sentence; null after a good one. */
  error: string | null;
  /** The server's code for that failure (NOT_FOUND, …), when it gave one. */
  errorCode: ErrorCode | null;
  /** Loads now (after an action, or to retry). */
  reload(): void;
}

/**
 * A query kept current: loaded at once, again after each burst of live changes (those
 * `relevant` accepts, when given), and every `pollMs` for what changes without an audit entry
 * (the clock, telemetry). `load` must be stable (a module-level function, or memoised on what it
 * reads: a new one loads again). A failed load keeps the last answer and says why.
 */
export function useLiveQuery<T>(
  load: () => Promise<T>,
  pollMs: number,
  relevant?: (change: LiveChange) => boolean,
): LiveQuery<T> {
  const [state, setState] = useState<Omit<LiveQuery<T>, 'reload'>>({
    data: null,
    error: null,
    errorCode: null,
  });
  const refresh = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    const run = async (): Promise<void> => {
      try {
        const data = await load();
        if (disposed) return;
        useConnection.getState().markOnline();
        setState({ data, error: null, errorCode: null });
      } catch (error) {
        if (disposed) return;
        if (isConnectionError(error)) useConnection.getState().markLost(errorMessage(error));
        setState((current) => ({
          ...current,
          error: errorMessage(error),
          errorCode: errorCode(error),
        }));
      }
    };
    const refresher = coalescedRefresh(run, REFRESH_DELAY_MS);
    refresh.current = refresher;
    refresher.now();
    const timer = setInterval(() => refresher.request(), pollMs);
    return () => {
      disposed = true;
      clearInterval(timer);
      refresher.dispose();
      refresh.current = null;
    };
  }, [load, pollMs]);

  useLiveChanges((change) => {
    if (!relevant || relevant(change)) refresh.current?.request();
  });
  const reload = useCallback(() => refresh.current?.now(), []);
  return { ...state, reload };
}
