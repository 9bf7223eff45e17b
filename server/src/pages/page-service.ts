import type { PageView } from '../../../shared/src/api-types';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import type { Db } from '../store/database';
import type { PageQuery, PageStore } from './page-store';

export interface PageServiceDeps {
  db: Db;
  store: PageStore;
  audit: AuditStore;
  feed: ChangeFeed;
  clock: Clock;
}

/** Open pages for every client, and their acknowledgement (audited, once). */
export class PageService {
  constructor(private readonly deps: PageServiceDeps) {}

  list(actor: Actor, query: Partial<PageQuery> = {}): PageView[] {
    requireRole(actor, 'viewer');
    return this.deps.store.list({ ...query, limit: query.limit ?? 100 });
  }

  openCount(actor: Actor): number {
    requireRole(actor, 'viewer');
    return this.deps.store.openCount();
  }

  /**
   * Marks a page acknowledged by the actor. Acknowledging it again (a second click, a retried
   * request) returns the page as the first acknowledgement left it and records nothing new.
   */
  acknowledge(id: number, actor: Actor): PageView {
    requireRole(actor, 'operator');
    const rows: AuditRow[] = [];
    const page = this.deps.db.transaction(() => {
      const existing = this.deps.store.get(id);
      if (!existing) throw new RunwayError('NOT_FOUND', `no page with id ${id}`);
      const now = this.deps.clock.now();
      if (!this.deps.store.acknowledge(id, now, actor.name)) return existing;
      rows.push(
        this.deps.audit.append({
          at: now,
          actor: actor.name,
          action: 'page.acknowledge',
          experimentKey: existing.experimentKey,
          reason: null,
          details: { pageId: id, kind: existing.kind, summary: existing.summary },
        }),
      );
      return this.deps.store.get(id)!;
    })();
    this.deps.feed.publish(rows);
    return page;
  }
}
