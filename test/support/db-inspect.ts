import Database from 'better-sqlite3';

export type ReadOnlyDb = Database.Database;

/** A second, read-only connection to a Runway database file: what is really on disk. */
export function openReadOnly(dbPath: string): ReadOnlyDb {
  return new Database(dbPath, { readonly: true, fileMustExist: true });
}

/** A separate writable connection, for tests that tamper with the file while no server holds it. */
export function openForTampering(dbPath: string): Database.Database {
  const db = new Database(dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Everything a change could touch, summarised: equal fingerprints mean nothing was written. */
export interface DbFingerprint {
  auditHead: { seq: number; hash: string } | null;
  auditRows: number;
  experiments: number;
  experimentVersions: number;
  edges: number;
  history: number;
  approvals: number;
  idempotencyKeys: number;
  outbox: number;
  users: number;
  tokens: number;
}

export function fingerprint(dbPath: string): DbFingerprint {
  const db = openReadOnly(dbPath);
  try {
    const count = (table: string): number =>
      db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    return {
      auditHead:
        (db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
          { seq: number; hash: string } | undefined) ?? null,
      auditRows: count('audit_log'),
      experiments: count('experiments'),
      experimentVersions: db
        .prepare('SELECT COALESCE(SUM(version), 0) FROM experiments')
        .pluck()
        .get() as number,
      edges: count('experiment_edges'),
      history: count('stage_history'),
      approvals: count('approvals'),
      idempotencyKeys: count('idempotency_keys'),
      outbox: count('outbox'),
      users: count('users'),
      tokens: count('api_tokens'),
    };
  } finally {
    db.close();
  }
}

export interface AuditRecord {
  seq: number;
  actor: string;
  action: string;
  experiment_key: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  cause: string | null;
  details_json: string;
}

/** Audit rows as stored, oldest first, optionally for one experiment or after a seq. */
export function auditRows(
  dbPath: string,
  filter: { experimentKey?: string; afterSeq?: number } = {},
): AuditRecord[] {
  const db = openReadOnly(dbPath);
  try {
    return db
      .prepare(
        `SELECT seq, actor, action, experiment_key, from_state, to_state, reason, cause, details_json FROM audit_log
         WHERE (@key IS NULL OR experiment_key = @key) AND seq > @after ORDER BY seq`,
      )
      .all({ key: filter.experimentKey ?? null, after: filter.afterSeq ?? 0 }) as AuditRecord[];
  } finally {
    db.close();
  }
}
