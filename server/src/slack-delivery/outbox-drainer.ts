import {
  classifySlackFailure,
  retryDelayMs,
  type BackoffPolicy,
} from '../../../bot/src/delivery/slack-failure';
import { formatDuration } from '../../../shared/src/duration';
import type { Clock } from '../clock';
import type { OutboxMessage, OutboxStore } from '../outbox/outbox-store';
import type { DeliveryOutcome } from './page-delivery';

export type OutboxHandler = (message: OutboxMessage) => Promise<DeliveryOutcome>;

export interface DrainReport {
  delivered: number;
  /** Failed this time and scheduled again (backoff, or Retry-After). */
  retried: number;
  /** Never deliverable: ended with the reason in last_error. */
  abandoned: number;
  /** Set while Slack has asked (429) not to be called: nothing is tried before then. */
  blockedUntilMs: number | null;
}

export interface OutboxDrainerDeps {
  outbox: Pick<OutboxStore, 'dueForTopics' | 'markDelivered' | 'markFailed' | 'markAbandoned'>;
  /** Handlers by topic prefix (`page.`, `slack.update`, …); the first matching prefix wins. */
  handlers: ReadonlyArray<readonly [prefix: string, handler: OutboxHandler]>;
  backoff: BackoffPolicy;
  clock: Clock;
  log: (line: string) => void;
}

/** Messages handled per pass; the rest wait for the next one (the loop runs again at once). */
const BATCH = 50;

/**
 * Drains the outbox into Slack, oldest first. A message is marked delivered only after its
 * handler finished; a failure schedules the next attempt in the outbox itself (so it survives a
 * restart): exponential backoff with a cap, and for a 429 no sooner than Retry-After. After a
 * 429 nothing at all is sent until then, and after any retryable failure the pass stops, so an
 * outage is probed by one call at a time rather than by every queued page.
 */
export class OutboxDrainer {
  private blockedUntilMs = 0;

  constructor(private readonly deps: OutboxDrainerDeps) {}

  async drain(topicPrefixes: readonly string[], nowMs: number): Promise<DrainReport> {
    const report: DrainReport = { delivered: 0, retried: 0, abandoned: 0, blockedUntilMs: null };
    if (nowMs < this.blockedUntilMs) return { ...report, blockedUntilMs: this.blockedUntilMs };
    const { outbox } = this.deps;
    for (const message of outbox.dueForTopics(topicPrefixes, nowMs, BATCH)) {
      const handler = this.deps.handlers.find(([prefix]) => message.topic.startsWith(prefix))?.[1];
      if (!handler) continue;
      try {
        const outcome = await handler(message);
        const at = Math.max(nowMs, this.deps.clock.now());
        if (outcome && 'abandoned' in outcome) {
          outbox.markAbandoned(message.id, outcome.abandoned, at);
          this.deps.log(`slack delivery: ${describe(message)} dropped: ${outcome.abandoned}`);
          report.abandoned++;
        } else {
          outbox.markDelivered(message.id, at);
          report.delivered++;
        }
      } catch (error) {
        const failure = classifySlackFailure(error);
        const at = Math.max(nowMs, this.deps.clock.now());
        if (failure.kind === 'permanent') {
          outbox.markAbandoned(message.id, failure.message, at);
          this.deps.log(`slack delivery: ${describe(message)} dropped: ${failure.message}`);
          report.abandoned++;
          continue;
        }
        const delayMs = retryDelayMs(failure, message.attempts + 1, this.deps.backoff);
        outbox.markFailed(message.id, failure.message, at + delayMs);
        this.deps.log(
          `slack delivery: ${describe(message)} failed (${failure.message}), attempt ${message.attempts + 1}; next in ${formatDuration(delayMs)}`,
        );
        report.retried++;
        if (failure.kind === 'rate_limited') {
          this.blockedUntilMs = at + delayMs;
          report.blockedUntilMs = this.blockedUntilMs;
        }
        break;
      }
    }
    return report;
  }
}

function describe(message: OutboxMessage): string {
  return `${message.topic} #${message.id}`;
}
