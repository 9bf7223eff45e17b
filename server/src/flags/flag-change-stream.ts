import type { FlagChangeEvent } from '../../../shared/src/api-types';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import { requireRole } from '../auth/auth-service';
import type { ChangeFeed } from '../events/change-feed';
import type { FlagService } from './flag-service';

export interface FlagChangeStreamOptions {
  feed: Pick<ChangeFeed, 'subscribe'>;
  flags: Pick<FlagService, 'changesSince' | 'changesOf'>;
  actor: Actor;
  /** The seq of the last event the client has: what came after it is replayed first. */
  lastEventId?: string | null;
  /** Only these flags (every flag when absent). */
  keys?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Every committed flag change, live, until `signal` aborts. With `lastEventId`, the changes the
 * client missed come first, from the audit log; the feed is listened to before that replay
 * starts, so a change committed during it is neither lost nor sent twice.
 */
export async function* streamFlagChanges(
  options: FlagChangeStreamOptions,
): AsyncGenerator<FlagChangeEvent> {
  const { feed, flags, actor, signal } = options;
  requireRole(actor, 'viewer');
  const wanted = options.keys ? new Set(options.keys) : null;
  const buffer: AuditRow[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe((rows) => {
    buffer.push(...rows);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let lastSeq = options.lastEventId ? Number(options.lastEventId) : null;
    if (lastSeq !== null) {
      for (const change of flags.changesSince(lastSeq, actor)) {
        lastSeq = change.seq;
        if (wanted === null || wanted.has(change.key)) yield change;
      }
    }
    while (!signal?.aborted) {
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      const since = lastSeq;
      const rows = buffer.splice(0).filter((row) => since === null || row.seq > since);
      for (const change of flags.changesOf(rows)) {
        if (wanted === null || wanted.has(change.key)) yield change;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
