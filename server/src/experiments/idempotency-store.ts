import type { Db } from '../store/database';

export interface IdempotencyRecord {
  userId: number;
  requestHash: string;
  responseJson: string;
}

export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  get(key: string): IdempotencyRecord | null {
    const row = this.db
      .prepare(
        'SELECT user_id AS userId, request_hash AS requestHash, response_json AS responseJson FROM idempotency_keys WHERE key = ?',
      )
      .get(key) as IdempotencyRecord | undefined;
    return row ?? null;
  }

  put(key: string, record: IdempotencyRecord, at: number): void {
    this.db
      .prepare(
        'INSERT INTO idempotency_keys (key, user_id, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(key, record.userId, record.requestHash, record.responseJson, at);
  }
}
