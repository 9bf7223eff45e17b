import { useEffect } from 'react';
import type { PageView } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { coalescedRefresh } from '../app/coalesced-refresh';
import { subscribeLiveChanges } from '../app/live-changes';
import type { AlertSink } from './alert-sink';
import {
  INITIAL_ALERT_TRACKER,
  trackAuditEntry,
  trackOpenPages,
  type TrackStep,
} from './desktop-alerts';

export type OpenPagesLoader = () => Promise<PageView[]>;

export function loadOpenPages(): Promise<PageView[]> {
  // The count on the badge is the list's length: ask for more than any real backlog.
  return runwayClient().pages.list.query({ open: true, limit: 1_000 });
}

/** A rollback cascade commits its entries together: reload the pages once for the burst. */
const RELOAD_DELAY_MS = 300;

/**
 * While signed in: keeps the count of open pages on the badge, and alerts about each page
 * raised and each automatic rollback made after the console started. Pages are raised in the
 * same transaction as the change that caused them, so every live change (and every resync
 * after a dropped stream) reloads the open pages; a failed load waits for the next change.
 */
export function useDesktopAlerts(sink: AlertSink, load: OpenPagesLoader = loadOpenPages): void {
  useEffect(() => {
    let tracker = INITIAL_ALERT_TRACKER;
    let stopped = false;
    const deliver = (step: TrackStep): void => {
      tracker = step.tracker;
      for (const alert of step.alerts) sink.show(alert);
    };
    const refresh = coalescedRefresh(async () => {
      const pages = await load();
      if (stopped) return;
      sink.setOpenPageCount(pages.length);
      deliver(trackOpenPages(tracker, pages));
    }, RELOAD_DELAY_MS);
    refresh.now();
    const unsubscribe = subscribeLiveChanges((change) => {
      if (change.kind === 'change') deliver(trackAuditEntry(tracker, change.entry));
      refresh.request();
    });
    return () => {
      stopped = true;
      unsubscribe();
      refresh.dispose();
      // Signed out: nothing is known about pages any more, so no count is shown.
      sink.setOpenPageCount(0);
    };
  }, [sink, load]);
}
