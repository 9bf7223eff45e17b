import { replaceLoneSurrogates } from '../../../shared/src/unicode';
import type { Db } from '../store/database';
import { GENESIS_HASH, hashAuditRow, type AuditContent, type AuditRow } from './audit-chain';

export interface AuditAppend {
  at: number;
  actor: string;
  action: string;
  experimentKey?: string | null;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  cause?: string | null;
  details?: Record<string, unknown>;
}

/** Which entries: exact matches, and a time range (sinceMs inclusive, untilMs exclusive). */
export interface AuditFilter {
  experimentKey?: string;
  action?: string;
  actor?: string;
  sinceMs?: number;
  untilMs?: number;
}

/** A page of entries, newest first: `beforeSeq` pages back, `afterSeq` catches up. */
export interface AuditQuery extends AuditFilter {
  afterSeq?: number;
  beforeSeq?: number;
  limit: number;
}

interface AuditRecord {
  seq: number;
  at: number;
  actor: string;
  action: string;
  experiment_key: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  cause: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

function toRow(record: AuditRecord): AuditRow {
  return {
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    action: record.action,
    experimentKey: record.experiment_key,
    fromState: record.from_state,
    toState: record.to_state,
    reason: record.reason,
    cause: record.cause,
    detailsJson: record.details_json,
    prevHash: record.prev_hash,
    hash: record.hash,
  };
}

/**
 * SQLite keeps text as UTF-8, which cannot hold a lone surrogate: one arriving in a reason (valid
 * JSON: "\ud800") was hashed as sent but read back as U+FFFD, so verify reported an untouched row
 * as edited. Hash and store the text as it will be read back.
 */
function storable(text: string | null): string | null {
  return text === null ? null : replaceLoneSurrogates(text);
}

/** The append-only, hash-chained audit log. Appends must run inside the caller's transaction. */
export class AuditStore {
  private readonly headStatement;
  private readonly insertStatement;
  private readonly upsertHeadStatement;

  constructor(private readonly db: Db) {
    this.headStatement = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.insertStatement = db.prepare(`INSERT INTO audit_log
      (seq, at, actor, action, experiment_key, from_state, to_state, reason, cause, details_json, prev_hash, hash)
      VALUES (@seq, @at, @actor, @action, @experimentKey, @fromState, @toState, @reason, @cause, @detailsJson, @prevHash, @hash)`);
    this.upsertHeadStatement = db.prepare(
      'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    );
  }

  append(entry: AuditAppend): AuditRow {
    if (!this.db.inTransaction)
      throw new Error('audit appends must run inside the transaction of the change they record');
    const head = this.head();
    const content: AuditContent = {
      seq: (head?.seq ?? 0) + 1,
      at: entry.at,
      actor: storable(entry.actor)!,
      action: storable(entry.action)!,
      experimentKey: storable(entry.experimentKey ?? null),
      fromState: storable(entry.fromState ?? null),
      toState: storable(entry.toState ?? null),
      reason: storable(entry.reason ?? null),
      cause: storable(entry.cause ?? null),
      // JSON.stringify escapes lone surrogates itself, so details are always storable.
      detailsJson: JSON.stringify(entry.details ?? {}),
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    const row: AuditRow = { ...content, prevHash, hash: hashAuditRow(prevHash, content) };
    this.insertStatement.run(row);
    this.upsertHeadStatement.run(row.seq, row.hash);
    return row;
  }

  head(): { seq: number; hash: string } | null {
    return (this.headStatement.get() as { seq: number; hash: string } | undefined) ?? null;
  }

  list(query: AuditQuery): AuditRow[] {
    const { where, params } = whereClause(query);
    const sql = `SELECT * FROM audit_log ${where} ORDER BY seq DESC LIMIT @limit`;
    return (this.db.prepare(sql).all({ ...params, limit: query.limit }) as AuditRecord[]).map(
      toRow,
    );
  }

  count(filter: AuditFilter): number {
    const { where, params } = whereClause(filter);
    return this.db.prepare(`SELECT count(*) FROM audit_log ${where}`).pluck().get(params) as number;
  }

  /** Every row in chain order, streamed so a long log is not held in memory at once. */
  *iterateAll(): Generator<AuditRow> {
    for (const record of this.db
      .prepare('SELECT * FROM audit_log ORDER BY seq')
      .iterate() as Iterable<AuditRecord>) {
      yield toRow(record);
    }
  }
}

/** The WHERE of a filtered read; only the fields given take part. */
function whereClause(query: AuditFilter & { afterSeq?: number; beforeSeq?: number }): {
  where: string;
  params: Record<string, unknown>;
} {
  const conditions: Array<[keyof typeof query, string]> = [
    ['experimentKey', 'experiment_key = @experimentKey'],
    ['action', 'action = @action'],
    ['actor', 'actor = @actor'],
    ['sinceMs', 'at >= @sinceMs'],
    ['untilMs', 'at < @untilMs'],
    ['afterSeq', 'seq > @afterSeq'],
    ['beforeSeq', 'seq < @beforeSeq'],
  ];
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const [field, sql] of conditions) {
    const value = query[field];
    // An empty text filter means "any", as the console and the CLI send it.
    if (value === undefined || value === '') continue;
    where.push(sql);
    params[field] = value;
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
