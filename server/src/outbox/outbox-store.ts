import type { Db } from '../store/database';

export interface OutboxMessage {
  id: number;
  topic: string;
  dedupeKey: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
  attempts: number;
}

/**
 * Side effects (pages, notifications) are written here in the same transaction as the change
 * that causes them, and delivered after commit, so a crash between the two loses nothing.
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  /** Adds a message; a repeated dedupe key is ignored so one event is never queued twice. */
  add(
    topic: string,
    payload: Record<string, unknown>,
    at: number,
    dedupeKey: string | null = null,
  ): boolean {
    const result = this.db
      .prepare(
        'INSERT OR IGNORE INTO outbox (topic, dedupe_key, payload_json, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(topic, dedupeKey, JSON.stringify(payload), at, at);
    return result.changes === 1;
  }

  due(topicPrefix: string, nowMs: number, limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare(
        `SELECT id, topic, dedupe_key AS dedupeKey, payload_json AS payloadJson, created_at AS createdAt, attempts
        FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? AND topic LIKE ? ORDER BY id LIMIT ?`,
      )
      .all(nowMs, `${topicPrefix}%`, limit) as Array<
      Omit<OutboxMessage, 'payload'> & { payloadJson: string }
    >;
    return rows.map(({ payloadJson, ...rest }) => ({
      ...rest,
      payload: JSON.parse(payloadJson) as Record<string, unknown>,
    }));
  }

  /** Due messages whose topic starts with any of the prefixes, oldest first. */
  dueForTopics(topicPrefixes: readonly string[], nowMs: number, limit: number): OutboxMessage[] {
    if (topicPrefixes.length === 0) return [];
    const topics = topicPrefixes.map(() => 'topic LIKE ?').join(' OR ');
    const rows = this.db
      .prepare(
        `SELECT id, topic, dedupe_key AS dedupeKey, payload_json AS payloadJson, created_at AS createdAt, attempts
        FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? AND (${topics}) ORDER BY id LIMIT ?`,
      )
      .all(nowMs, ...topicPrefixes.map((prefix) => `${prefix}%`), limit) as Array<
      Omit<OutboxMessage, 'payload'> & { payloadJson: string }
    >;
    return rows.map(({ payloadJson, ...rest }) => ({
      ...rest,
      payload: JSON.parse(payloadJson) as Record<string, unknown>,
    }));
  }

  /** Ends a message that can never be delivered; the reason stays in last_error. */
  markAbandoned(id: number, error: string, at: number): void {
    this.db
      .prepare(
        'UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?',
      )
      .run(at, error, id);
  }

  markDelivered(id: number, at: number): void {
    this.db
      .prepare(
        'UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
      )
      .run(at, id);
  }

  markFailed(id: number, error: string, nextAttemptAt: number): void {
    this.db
      .prepare(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?',
      )
      .run(error, nextAttemptAt, id);
  }

  pendingCount(): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL')
      .pluck()
      .get() as number;
  }

  list(limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare(
        'SELECT id, topic, dedupe_key AS dedupeKey, payload_json AS payloadJson, created_at AS createdAt, attempts FROM outbox ORDER BY id DESC LIMIT ?',
      )
      .all(limit) as Array<Omit<OutboxMessage, 'payload'> & { payloadJson: string }>;
    return rows.map(({ payloadJson, ...rest }) => ({
      ...rest,
      payload: JSON.parse(payloadJson) as Record<string, unknown>,
    }));
  }
}
