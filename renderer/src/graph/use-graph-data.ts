import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExperimentView, GuardrailHealthEntry } from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import { coalescedRefresh, type CoalescedRefresh } from '../app/coalesced-refresh';
import { useConnection } from '../app/connection-store';
import { errorMessage, isConnectionError } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';
import type { GraphDataSource } from './graph-source';

/** Changes arriving within this window share one reload (a cascade is many changes). */
export const REFRESH_DELAY_MS = 200;
/** Guardrail verdicts are not audited changes: they are polled. */
export const HEALTH_POLL_MS = 15_000;
const RETRY_AFTER_CONNECTION_ERROR_MS = 2_000;

export interface GraphData {
  /** null until the first answer. */
  experiments: readonly ExperimentView[] | null;
  health: ReadonlyMap<string, GuardrailVerdict>;
  /** Why the last load failed; null after a good one. */
  error: string | null;
  /** Counts good loads: things derived from the data refresh when it moves. */
  revision: number;
  /** Reload now (after an action of this view). */
  refresh(): void;
}

const NO_HEALTH: ReadonlyMap<string, GuardrailVerdict> = new Map();

/** The same map when nothing changed, so nodes depending on it keep their identity. */
function healthMap(
  entries: readonly GuardrailHealthEntry[],
  previous: ReadonlyMap<string, GuardrailVerdict>,
): ReadonlyMap<string, GuardrailVerdict> {
  const same =
    entries.length === previous.size &&
    entries.every((entry) => previous.get(entry.key) === entry.verdict);
  return same ? previous : new Map(entries.map((entry) => [entry.key, entry.verdict]));
}

/**
 * Every experiment and its guardrail health, reloaded after each burst of live changes
 * (queue.changes through the console's one stream) and the health polled in between.
 */
export function useGraphData(source: GraphDataSource): GraphData {
  const [state, setState] = useState<Omit<GraphData, 'refresh'>>({
    experiments: null,
    health: NO_HEALTH,
    error: null,
    revision: 0,
  });
  const refresher = useRef<CoalescedRefresh | null>(null);

  useEffect(() => {
    let disposed = false;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    const fail = (error: unknown): void => {
      setState((current) => ({ ...current, error: errorMessage(error) }));
      if (!isConnectionError(error)) return;
      useConnection.getState().markLost(errorMessage(error));
      retryTimer ??= setTimeout(() => {
        retryTimer = null;
        refresher.current?.request();
      }, RETRY_AFTER_CONNECTION_ERROR_MS);
    };
    const load = async (): Promise<void> => {
      try {
        const [experiments, health] = await Promise.all([
          source.listExperiments(),
          source.guardrailHealth(),
        ]);
        if (disposed) return;
        useConnection.getState().markOnline();
        setState((current) => ({
          experiments,
          health: healthMap(health, current.health),
          error: null,
          revision: current.revision + 1,
        }));
      } catch (error) {
        if (!disposed) fail(error);
      }
    };
    const pollHealth = (): void => {
      source.guardrailHealth().then(
        (health) => {
          if (disposed) return;
          setState((current) => {
            const next = healthMap(health, current.health);
            return next === current.health ? current : { ...current, health: next };
          });
        },
        () => undefined, // the next full load reports problems
      );
    };
    const coalesced = coalescedRefresh(load, REFRESH_DELAY_MS);
    refresher.current = coalesced;
    coalesced.now();
    const poll = setInterval(pollHealth, HEALTH_POLL_MS);
    return () => {
      disposed = true;
      clearInterval(poll);
      if (retryTimer) clearTimeout(retryTimer);
      coalesced.dispose();
      refresher.current = null;
    };
  }, [source]);

  useLiveChanges(() => refresher.current?.request());
  const refresh = useCallback(() => refresher.current?.now(), []);
  return { ...state, refresh };
}
