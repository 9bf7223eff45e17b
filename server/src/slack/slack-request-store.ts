import type { RequestDedupe } from '../../../bot/src/request-dedupe';
import type { Clock } from '../clock';
import type { Db } from '../store/database';

/** Slack retries within minutes; a day of records covers every retry with room to spare. */
export const SLACK_REQUEST_RETENTION_MS = 24 * 60 * 60 * 1_000;
const PRUNE_EVERY_MS = 10 * 60 * 1_000;

/**
 * The Slack requests the bot has seen (migration 8), by the hash of their raw body: the record
 * that makes a retried command or click act once, across restarts too.
 */
export class SlackRequestStore implements RequestDedupe {
  private readonly insert;
  private readonly prune;
  private lastPrunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO slack_requests (request_key, kind, received_at) VALUES (?, ?, ?)',
    );
    this.prune = db.prepare('DELETE FROM slack_requests WHERE received_at < ?');
  }

  firstSeen(requestKey: string, kind: string): boolean {
    const now = this.clock.now();
    if (now - this.lastPrunedAt >= PRUNE_EVERY_MS) {
      this.prune.run(now - SLACK_REQUEST_RETENTION_MS);
      this.lastPrunedAt = now;
    }
    return this.insert.run(requestKey, kind, now).changes === 1;
  }
}
