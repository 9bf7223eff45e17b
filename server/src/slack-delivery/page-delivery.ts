import type { PageAudience } from '../../../bot/src/delivery/page-message';
import { classifySlackFailure } from '../../../bot/src/delivery/slack-failure';
import { formatDuration } from '../../../shared/src/duration';
import type { Clock } from '../clock';
import {
  pageLabels,
  pageMessage,
  renderedStateOf,
  type PageContext,
  type PageContextLoader,
  type PageLabels,
} from './page-context';
import type { PageDeliveryStore } from './page-delivery-store';
import type { SlackGateway } from './slack-gateway';
import type { SlackRecipients } from './slack-recipients';

export interface PageDeliveryDeps {
  store: PageDeliveryStore;
  contexts: PageContextLoader;
  recipients: SlackRecipients;
  gateway: Pick<SlackGateway, 'post' | 'openDm'>;
  clock: Clock;
  consoleBaseUrl: string;
  /** Where pages of experiments that name no channel go; null: only the owner's DM. */
  defaultChannel: string | null;
  /** A page first delivered later than this after it was raised is dropped as stale. */
  maxPageAgeMs: number;
  log: (line: string) => void;
}

/** What a handler tells the drainer: done, or never deliverable (with why). */
export type DeliveryOutcome = { abandoned: string } | void;

/**
 * Posts pages: the owner's DM and the experiment's channel for each page.* outbox message, the
 * secondary contact's DM for each slack.escalate one. Each destination is posted at most once,
 * and recorded the moment Slack answers; a retried message posts only what is still missing.
 */
export class PageDelivery {
  constructor(private readonly deps: PageDeliveryDeps) {}

  async deliverPage(pageId: number): Promise<DeliveryOutcome> {
    const { store, clock } = this.deps;
    const context = this.deps.contexts.load(pageId);
    if (!context) return { abandoned: `page ${pageId} does not exist` };
    const refs = store.refs(pageId);
    const posted = new Set(refs.map((ref) => ref.destination));
    const ageMs = clock.now() - context.page.raisedAtMs;
    if (!refs.some((ref) => ref.status === 'posted') && ageMs > this.deps.maxPageAgeMs) {
      // Slack was off or down for longer than a page stays useful: a DM about last week's
      // rollback would wake someone for nothing. The page itself stays open in Runway.
      return { abandoned: `stale: raised ${formatDuration(ageMs)} before Slack could be reached` };
    }
    const owner = context.page.owner;
    const ownerId = await this.deps.recipients.userId(owner);
    const labels = await pageLabels(context, this.deps.recipients);
    const channel = context.experiment?.channel ?? this.deps.defaultChannel;
    // Destinations fail independently (a DM scope missing must not hold the channel post back);
    // the first retryable failure is rethrown after both were tried, except a 429, after which
    // Slack is not called again until Retry-After.
    let retry: unknown = null;
    const attempt = async (send: () => Promise<void>): Promise<void> => {
      try {
        await send();
      } catch (error) {
        if (classifySlackFailure(error).kind === 'rate_limited') throw error;
        retry ??= error;
      }
    };
    if (!posted.has('owner')) {
      if (ownerId) {
        await attempt(() =>
          this.post(context, 'owner', () => this.deps.gateway.openDm(ownerId), labels),
        );
      } else {
        this.undeliverable(pageId, 'owner', `no Slack user for the owner "${owner}"`);
      }
    }
    if (channel && !posted.has('channel')) {
      await attempt(() => this.post(context, 'channel', async () => channel, labels));
    }
    if (retry) throw retry;
  }

  async deliverEscalation(pageId: number): Promise<DeliveryOutcome> {
    const context = this.deps.contexts.load(pageId);
    if (!context?.escalation) return { abandoned: `page ${pageId} has no escalation` };
    if (this.deps.store.refs(pageId).some((ref) => ref.destination === 'escalation')) return;
    if (context.page.acknowledgedAtMs !== null) {
      // Acknowledged while the escalation waited for Slack: nobody needs waking any more.
      this.undeliverable(
        pageId,
        'escalation',
        `acknowledged by ${context.page.acknowledgedBy} first`,
      );
      return;
    }
    const secondary = context.escalation.secondary;
    const userId = await this.deps.recipients.userId(secondary);
    if (!userId) {
      this.undeliverable(
        pageId,
        'escalation',
        `no Slack user for the secondary contact "${secondary}"`,
      );
      return;
    }
    const labels = await pageLabels(context, this.deps.recipients);
    await this.post(context, 'escalation', () => this.deps.gateway.openDm(userId), labels);
  }

  /**
   * Posts one destination and records its (channel, ts) at once. Slack has no idempotency key
   * for chat.postMessage, so one window remains where a crash posts twice: after Slack accepted
   * the message and before the synchronous INSERT below commits (or a timeout that hid Slack's
   * answer). It is the smallest possible: the ref cannot be recorded before Slack names the ts,
   * and nothing else runs between the answer and the write. Every other crash point is safe:
   * before the call nothing was posted, after the write the ref stops a repeat.
   */
  private async post(
    context: PageContext,
    destination: PageAudience,
    conversation: () => Promise<string>,
    labels: PageLabels,
  ): Promise<void> {
    const pageId = context.page.id;
    try {
      const target = await conversation();
      const message = pageMessage(context, destination, labels, this.deps.consoleBaseUrl);
      const sent = await this.deps.gateway.post(target, message, {
        eventType: 'runway_page',
        payload: { page_id: pageId, destination },
      });
      this.deps.store.recordPosted(
        {
          pageId,
          destination,
          channel: sent.channel,
          ts: sent.ts,
          rendered: renderedStateOf(context),
        },
        this.deps.clock.now(),
      );
    } catch (error) {
      const failure = classifySlackFailure(error);
      // Retryable failures go back to the outbox; the destinations already posted stay posted.
      if (failure.kind !== 'permanent') throw error;
      this.undeliverable(pageId, destination, failure.message);
    }
  }

  private undeliverable(pageId: number, destination: PageAudience, why: string): void {
    this.deps.store.recordUndeliverable(pageId, destination, why, this.deps.clock.now());
    this.deps.log(`slack delivery: page ${pageId} not sent to ${destination}: ${why}`);
  }
}
