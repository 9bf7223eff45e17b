import { classifySlackFailure } from '../../../bot/src/delivery/slack-failure';
import type { OutboxStore } from '../outbox/outbox-store';
import {
  pageLabels,
  pageMessage,
  renderedState,
  renderedStateOf,
  type PageContextLoader,
} from './page-context';
import type { PageDeliveryStore } from './page-delivery-store';
import type { DeliveryOutcome } from './page-delivery';
import type { SlackGateway } from './slack-gateway';
import type { SlackRecipients } from './slack-recipients';

/** Messages older than this are left as they are (Slack threads move on; the console has it). */
export const UPDATE_WINDOW_MS = 7 * 24 * 3_600_000;

export interface PageUpdatesDeps {
  store: PageDeliveryStore;
  contexts: PageContextLoader;
  recipients: SlackRecipients;
  outbox: Pick<OutboxStore, 'add'>;
  gateway: Pick<SlackGateway, 'update'>;
  consoleBaseUrl: string;
  log: (line: string) => void;
}

/**
 * Keeps posted page messages showing the page as it is: acknowledged, escalated, the experiment
 * paused or rolled back. Outdated messages are found by comparing what each one shows with the
 * current state (not by listening alone), so a change made while the process was down, or
 * between a commit and a crash, is still caught on the next pass; the update itself goes
 * through the outbox (`slack.update`) and so gets its retries and Retry-After handling.
 */
export class PageUpdates {
  constructor(private readonly deps: PageUpdatesDeps) {}

  /** Queues one slack.update per page with an outdated message; returns how many were new. */
  reconcile(nowMs: number): number {
    let queued = 0;
    for (const message of this.deps.store.postedSince(nowMs - UPDATE_WINDOW_MS)) {
      const current = renderedState(message);
      if (message.rendered === current) continue;
      // One message per page and state: queuing again for the same state is a no-op.
      const key = `slack.update:${message.pageId}:${current}`;
      if (this.deps.outbox.add('slack.update', { pageId: message.pageId }, nowMs, key)) queued++;
    }
    return queued;
  }

  /** chat.update on every message of the page that shows an older state than now. */
  async update(pageId: number): Promise<DeliveryOutcome> {
    const context = this.deps.contexts.load(pageId);
    if (!context) return { abandoned: `page ${pageId} does not exist` };
    const current = renderedStateOf(context);
    const outdated = this.deps.store
      .refs(pageId)
      .filter((ref) => ref.status === 'posted' && ref.rendered !== current);
    if (outdated.length === 0) return;
    const labels = await pageLabels(context, this.deps.recipients);
    for (const ref of outdated) {
      try {
        await this.deps.gateway.update(
          ref.channel!,
          ref.ts!,
          pageMessage(context, ref.destination, labels, this.deps.consoleBaseUrl),
        );
      } catch (error) {
        const failure = classifySlackFailure(error);
        if (failure.kind !== 'permanent') throw error;
        // Deleted, too old to edit, or the channel is gone: stop trying this one.
        this.deps.log(
          `slack delivery: page ${pageId} message in ${ref.channel} not updated: ${failure.message}`,
        );
      }
      this.deps.store.markRendered(pageId, ref.destination, current);
    }
  }
}
