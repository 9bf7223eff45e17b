import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  seq: number;
  at: number;
  actor: string;
  action: string;
  experimentKey: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  cause: string | null;
  detailsJson: string;
}

export interface AuditRow extends AuditContent {
  prevHash: string;
  hash: string;
}

/** Each row's hash covers the previous row's hash and every field of its own (DESIGN §8). */
export function hashAuditRow(prevHash: string, content: AuditContent): string {
  const canonical = JSON.stringify([
    prevHash,
    content.seq,
    content.at,
    content.actor,
    content.action,
    content.experimentKey,
    content.fromState,
    content.toState,
    content.reason,
    content.cause,
    content.detailsJson,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export type ChainVerdict =
  | { ok: true; rows: number; headHash: string }
  | { ok: false; rows: number; seq: number; problem: string };

/**
 * Walks rows in seq order and checks every link. `head` is the separately stored chain head,
 * which catches deleted rows at the end of the log.
 */
export function verifyChain(
  rows: Iterable<AuditRow>,
  head: { seq: number; hash: string } | null,
): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const row of rows) {
    count++;
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        rows: count,
        seq: row.seq,
        problem: `row ${row.seq}: expected row ${expectedSeq} before it (rows deleted)`,
      };
    }
    if (row.prevHash !== prevHash) {
      return {
        ok: false,
        rows: count,
        seq: row.seq,
        problem: `row ${row.seq}: does not link to row ${row.seq - 1} (previous row edited or deleted)`,
      };
    }
    const recomputed = hashAuditRow(prevHash, row);
    if (recomputed !== row.hash) {
      return {
        ok: false,
        rows: count,
        seq: row.seq,
        problem: `row ${row.seq}: content does not match its hash (row edited)`,
      };
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  const lastSeq = expectedSeq - 1;
  if (head === null) {
    if (lastSeq === 0) return { ok: true, rows: 0, headHash: GENESIS_HASH };
    return { ok: false, rows: count, seq: lastSeq, problem: 'the chain head record is missing' };
  }
  if (head.seq !== lastSeq || head.hash !== prevHash) {
    return {
      ok: false,
      rows: count,
      seq: head.seq,
      problem: `the chain head names row ${head.seq} but the log ends at row ${lastSeq} (rows deleted or edited at the end)`,
    };
  }
  return { ok: true, rows: count, headHash: prevHash };
}
