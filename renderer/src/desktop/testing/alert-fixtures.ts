// Pages and audit entries as the server sends them, for the desktop alert tests.
import type { PageView } from '../../../../shared/src/api-types';
import type { AuditEntryView } from '../../../../server/src/audit/audit-service';

export function page(id: number, overrides: Partial<PageView> = {}): PageView {
  return {
    id,
    kind: 'guardrail',
    experimentKey: 'checkout-v2',
    service: 'checkout',
    team: 'payments',
    owner: 'alice@example.com',
    summary: 'guardrail error_rate failed: 0.041 > 0.02',
    raisedAtMs: 1_000 + id,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    ...overrides,
  };
}

export function auditEntry(seq: number, overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    seq,
    at: 5_000 + seq,
    actor: 'runway:guardrails',
    action: 'experiment.rollback',
    experimentKey: 'checkout-v2',
    fromState: 'running',
    toState: 'rolled_back',
    reason: 'guardrail error_rate failed: 0.041 > 0.02 (max)',
    cause: null,
    details: {},
    hash: 'h',
    ...overrides,
  };
}
