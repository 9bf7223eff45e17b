import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import type { ChangeFeed } from '../events/change-feed';
import type { OutboxStore } from '../outbox/outbox-store';
import type { Db } from '../store/database';
import type { PageDeliveryStore } from './page-delivery-store';

/** Runway's own Slack actions (escalations) in the audit log, and its reads. */
export const SLACK_DELIVERY_ACTOR: Actor = { userId: null, name: 'runway:slack', role: 'viewer' };

export interface PageEscalationDeps {
  db: Db;
  store: PageDeliveryStore;
  outbox: Pick<OutboxStore, 'add'>;
  audit: Pick<AuditStore, 'append'>;
  feed: ChangeFeed;
  /** Pages older than this at their escalation time are not escalated (see dueForEscalation). */
  maxPageAgeMs: number;
}

/**
 * Escalates pages nobody acknowledged within their team's time: the escalation row, its audit
 * entry and its outbox message (slack.escalate: the secondary contact's DM) commit together, so
 * a page escalates exactly once, and the DM is delivered like any page, through outages.
 */
export class PageEscalation {
  constructor(private readonly deps: PageEscalationDeps) {}

  claimDue(nowMs: number): number {
    const { db, store, outbox, audit } = this.deps;
    const rows: AuditRow[] = [];
    const claimed = db.transaction(() => {
      let count = 0;
      for (const due of store.dueForEscalation(nowMs, this.deps.maxPageAgeMs)) {
        const escalation = {
          pageId: due.pageId,
          secondary: due.secondary,
          escalateAfterMs: due.escalateAfterMs,
          escalatedAtMs: nowMs,
        };
        if (!store.insertEscalation(escalation)) continue;
        outbox.add('slack.escalate', { pageId: due.pageId }, nowMs, `slack.escalate:${due.pageId}`);
        rows.push(
          audit.append({
            at: nowMs,
            actor: SLACK_DELIVERY_ACTOR.name,
            action: 'page.escalate',
            experimentKey: due.experimentKey,
            details: {
              pageId: due.pageId,
              secondary: due.secondary,
              escalateAfterMs: due.escalateAfterMs,
            },
          }),
        );
        count++;
      }
      return count;
    })();
    this.deps.feed.publish(rows);
    return claimed;
  }
}
