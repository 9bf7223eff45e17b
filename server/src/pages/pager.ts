import type { PageKind } from '../../../shared/src/api-types';
import type { OutboxStore } from '../outbox/outbox-store';
import type { PageStore } from './page-store';

export interface PageRequest {
  kind: PageKind;
  experimentKey: string;
  summary: string;
  /** Delivered as is to whoever sends the page (Slack), with the page's id added. */
  payload: Record<string, unknown>;
  /** One page per event: raising the same key again does nothing. */
  dedupeKey: string;
  atMs: number;
}

/**
 * Raises pages inside the caller's transaction: the page row (what is open, who acknowledged it)
 * and its outbox message (delivery) commit together with the change that caused them.
 */
export class Pager {
  constructor(
    private readonly pages: PageStore,
    private readonly outbox: OutboxStore,
  ) {}

  /** The new page's id, or null when this event was already paged. */
  raise(request: PageRequest): number | null {
    const id = this.pages.insert({
      kind: request.kind,
      experimentKey: request.experimentKey,
      summary: request.summary,
      raisedAtMs: request.atMs,
      dedupeKey: request.dedupeKey,
    });
    if (id === null) return null;
    this.outbox.add(
      `page.${request.kind}`,
      { ...request.payload, pageId: id, summary: request.summary },
      request.atMs,
      request.dedupeKey,
    );
    return id;
  }
}
