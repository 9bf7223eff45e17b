import type { AuditContent, AuditRow, ChainVerdict } from './audit-chain';
import { verifyChain } from './audit-chain';
import type { AuditFilter, AuditQuery, AuditStore } from './audit-store';

/** An audit row as clients see it: details parsed, the chain's link left out. */
export interface AuditEntryView extends Omit<AuditContent, 'detailsJson'> {
  details: Record<string, unknown>;
  hash: string;
}

export function toAuditEntryView(row: AuditRow): AuditEntryView {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    experimentKey: row.experimentKey,
    fromState: row.fromState,
    toState: row.toState,
    reason: row.reason,
    cause: row.cause,
    details: JSON.parse(row.detailsJson) as Record<string, unknown>,
    hash: row.hash,
  };
}

export class AuditService {
  constructor(private readonly store: AuditStore) {}

  list(query: AuditQuery): AuditEntryView[] {
    return this.store.list(query).map(toAuditEntryView);
  }

  /** How many entries a filter selects (ignoring paging). */
  count(filter: AuditFilter): number {
    return this.store.count(filter);
  }

  verify(): ChainVerdict {
    return verifyChain(this.store.iterateAll(), this.store.head());
  }
}
