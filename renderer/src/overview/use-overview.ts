import type { OverviewView } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { useLiveQuery } from '../app/use-live-query';

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

const loadOverview = (): Promise<OverviewView> => runwayClient().overview.get.query();

/** overview.get, reloaded on every burst of live changes and every OVERVIEW_POLL_MS. */
export function useOverview(pollMs: number = OVERVIEW_POLL_MS): OverviewData {
  const { data, error, reload } = useLiveQuery(loadOverview, pollMs);
  return { overview: data, error, reload };
}
