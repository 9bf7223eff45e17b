import { useEffect, useRef, useState } from 'react';
import { runwayClient } from '../api/runway-client';
import { useConnection } from '../app/connection-store';
import { errorMessage, isConnectionError } from '../app/error-messages';
import { useLiveChanges } from '../app/live-changes';
import { AUDIT_LOG_LOADING, AuditLogController, type AuditLogState } from './audit-log-controller';
import { filtersFromSearch, filtersToSearch, type AuditFilters } from './audit-filters';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditLogData extends AuditLogState {
  loadOlder(): void;
  /** Loads the newest page again (after an error). */
  retry(): void;
}

function describeError(error: unknown): string {
  const message = errorMessage(error);
  // An unreachable server is the whole console's news (the banner); the view still says so.
  if (isConnectionError(error)) useConnection.getState().markLost(message);
  return message;
}

/** The audit log under these filters, paged newest first and kept live by the change stream. */
export function useAuditLog(filters: AuditFilters, pageSize = AUDIT_PAGE_SIZE): AuditLogData {
  // The query string is the filters' stable identity: equal filters never reload.
  const search = filtersToSearch(filters);
  const [state, setState] = useState<AuditLogState>(AUDIT_LOG_LOADING);
  const controller = useRef<AuditLogController | null>(null);

  useEffect(() => {
    const created = new AuditLogController({
      filters: filtersFromSearch(search),
      pageSize,
      list: (input) => runwayClient().audit.list.query(input),
      describeError,
      publish: setState,
    });
    controller.current = created;
    void created.loadFirst();
    return () => {
      created.dispose();
      controller.current = null;
    };
  }, [search, pageSize]);

  useLiveChanges((change) => controller.current?.onLiveChange(change));
  return {
    ...state,
    loadOlder: () => void controller.current?.loadOlder(),
    retry: () => void controller.current?.loadFirst(),
  };
}
