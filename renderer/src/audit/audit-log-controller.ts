import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { LiveChange } from '../app/live-changes';
import { mergeEntries, splitPage } from './audit-entries';
import {
  entryMatches,
  toListFilter,
  type AuditFilters,
  type AuditListFilter,
} from './audit-filters';

export interface AuditLogState {
  /** Newest first; null until the first page arrives. */
  entries: AuditEntryView[] | null;
  /** Why the first page failed to load, as a sentence. */
  error: string | null;
  /** Whether older entries match the filters beyond those shown. */
  hasOlder: boolean;
  loadingOlder: boolean;
  olderError: string | null;
}

export const AUDIT_LOG_LOADING: AuditLogState = {
  entries: null,
  error: null,
  hasOlder: false,
  loadingOlder: false,
  olderError: null,
};

export type AuditListQuery = (
  input: AuditListFilter & { afterSeq?: number; beforeSeq?: number; limit: number },
) => Promise<AuditEntryView[]>;

export interface AuditLogOptions {
  filters: AuditFilters;
  pageSize: number;
  list: AuditListQuery;
  describeError(error: unknown): string;
  publish(state: AuditLogState): void;
}

/**
 * The filtered audit log as the view holds it: the newest page, older pages on request, and
 * new entries from the live stream on top when the filters let them through. Plain code, not a
 * hook: `publish` hands each new state to React.
 */
export class AuditLogController {
  private state = AUDIT_LOG_LOADING;
  private disposed = false;
  /** Bumped by each first-page load: answers to an earlier one are stale. */
  private generation = 0;
  /**
   * Live entries that arrive while the first page loads: the page may have been read before
   * they were committed, so they are merged in when it lands.
   */
  private arrivedWhileLoading: AuditEntryView[] = [];
  private readonly filter: AuditListFilter;

  constructor(private readonly options: AuditLogOptions) {
    this.filter = toListFilter(options.filters);
  }

  async loadFirst(): Promise<void> {
    const mine = ++this.generation;
    this.update(AUDIT_LOG_LOADING);
    const { list, pageSize } = this.options;
    try {
      const page = splitPage(await list({ ...this.filter, limit: pageSize + 1 }), pageSize);
      if (mine !== this.generation) return;
      this.update({
        entries: mergeEntries(page.entries, this.arrivedWhileLoading),
        hasOlder: page.more,
      });
      this.arrivedWhileLoading = [];
    } catch (error) {
      if (mine === this.generation) this.update({ error: this.options.describeError(error) });
    }
  }

  async loadOlder(): Promise<void> {
    const oldest = this.state.entries?.at(-1);
    if (!oldest || this.state.loadingOlder) return;
    const mine = this.generation;
    const { list, pageSize } = this.options;
    this.update({ loadingOlder: true, olderError: null });
    try {
      const rows = await list({ ...this.filter, beforeSeq: oldest.seq, limit: pageSize + 1 });
      if (mine !== this.generation) return;
      const page = splitPage(rows, pageSize);
      this.update({
        entries: mergeEntries(this.state.entries ?? [], page.entries),
        hasOlder: page.more,
        loadingOlder: false,
      });
    } catch (error) {
      if (mine === this.generation)
        this.update({ loadingOlder: false, olderError: this.options.describeError(error) });
    }
  }

  onLiveChange(change: LiveChange): void {
    if (change.kind === 'resync') {
      void this.catchUp();
      return;
    }
    if (!entryMatches(change.entry, this.options.filters)) return;
    if (this.state.entries !== null)
      this.update({ entries: mergeEntries(this.state.entries, [change.entry]) });
    else if (this.state.error === null) this.arrivedWhileLoading.push(change.entry);
  }

  dispose(): void {
    this.disposed = true;
  }

  /** After the stream restarts: fetch what it missed, or start over when that is a lot. */
  private async catchUp(): Promise<void> {
    const { entries, error } = this.state;
    if (entries === null) {
      if (error !== null) await this.loadFirst();
      return;
    }
    const newest = entries[0];
    if (!newest) return this.loadFirst();
    const mine = this.generation;
    const { list, pageSize } = this.options;
    try {
      const rows = await list({ ...this.filter, afterSeq: newest.seq, limit: pageSize + 1 });
      if (mine !== this.generation) return;
      if (rows.length > pageSize) return this.loadFirst();
      this.update({ entries: mergeEntries(this.state.entries ?? [], rows) });
    } catch {
      // The view keeps what it shows; the next resync tries again.
    }
  }

  private update(patch: Partial<AuditLogState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...patch };
    this.options.publish(this.state);
  }
}
