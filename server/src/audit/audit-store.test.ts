import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCountInput, auditListInput } from '../../../shared/src/api-schemas';
import { openDatabase, type Db } from '../store/database';
import { verifyChain } from './audit-chain';
import { AuditService } from './audit-service';
import { AuditStore, type AuditAppend } from './audit-store';

// The audit log's filtered reads on a real SQLite file (WAL, migrations applied): the filters
// the console's audit view, its CSV export and the CLI send, alone and combined.

const T0 = Date.parse('2026-11-29T09:00:00Z');
const MINUTE = 60_000;

let dir: string;
let db: Db;
let store: AuditStore;
let service: AuditService;

/**
 * Twelve entries a minute apart (seq n at T0 + (n-1) minutes): two experiments started by the
 * scheduler, paused and resumed by people, one rolled back by the guardrails, policy changes.
 */
const HISTORY: AuditAppend[] = (
  [
    { actor: 'alice', action: 'experiment.enqueue', experimentKey: 'checkout-v2' },
    { actor: 'alice', action: 'experiment.enqueue', experimentKey: 'search-v3' },
    { actor: 'runway:scheduler', action: 'experiment.start', experimentKey: 'checkout-v2' },
    { actor: 'runway:scheduler', action: 'experiment.start', experimentKey: 'search-v3' },
    { actor: 'bob', action: 'policy.freeze', reason: 'launch day' },
    { actor: 'alice', action: 'experiment.pause', experimentKey: 'checkout-v2' },
    { actor: 'alice', action: 'experiment.resume', experimentKey: 'checkout-v2' },
    { actor: 'runway:scheduler', action: 'experiment.advance', experimentKey: 'search-v3' },
    { actor: 'bob', action: 'policy.unfreeze' },
    { actor: 'runway:guardrails', action: 'experiment.rollback', experimentKey: 'search-v3' },
    { actor: 'alice', action: 'experiment.pause', experimentKey: 'checkout-v2' },
    { actor: 'bob', action: 'experiment.abort', experimentKey: 'checkout-v2' },
  ] satisfies Array<Omit<AuditAppend, 'at'>>
).map((entry, index) => ({ ...entry, at: T0 + index * MINUTE }));

const seqs = (rows: ReadonlyArray<{ seq: number }>): number[] => rows.map((row) => row.seq);
const at = (seq: number): number => T0 + (seq - 1) * MINUTE;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-audit-'));
  db = openDatabase(join(dir, 'runway.db'));
  store = new AuditStore(db);
  service = new AuditService(store);
  db.transaction(() => {
    for (const entry of HISTORY) store.append(entry);
  })();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AuditStore.list', () => {
  it('answers newest first, as every existing caller expects', () => {
    expect(seqs(store.list({ limit: 100 }))).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(seqs(store.list({ limit: 3 }))).toEqual([12, 11, 10]);
    // afterSeq catches up from a seq already held (the live stream's replay)
    expect(seqs(store.list({ afterSeq: 9, limit: 100 }))).toEqual([12, 11, 10]);
  });

  it('pages back with beforeSeq: the pages together are the whole log, once each, in order', () => {
    const pages: number[][] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = store.list({ limit: 5, ...(beforeSeq ? { beforeSeq } : {}) });
      if (page.length === 0) break;
      pages.push(seqs(page));
      beforeSeq = page.at(-1)!.seq;
    }
    expect(pages).toEqual([
      [12, 11, 10, 9, 8],
      [7, 6, 5, 4, 3],
      [2, 1],
    ]);
  });

  it('keeps the time range half-open: sinceMs inclusive, untilMs exclusive', () => {
    expect(seqs(store.list({ sinceMs: at(10), limit: 100 }))).toEqual([12, 11, 10]);
    expect(seqs(store.list({ untilMs: at(3), limit: 100 }))).toEqual([2, 1]);
    expect(seqs(store.list({ sinceMs: at(4), untilMs: at(7), limit: 100 }))).toEqual([6, 5, 4]);
    // adjacent ranges split the log without overlap or gap
    const early = store.list({ untilMs: at(6), limit: 100 });
    const late = store.list({ sinceMs: at(6), limit: 100 });
    expect([...seqs(late), ...seqs(early)]).toEqual(seqs(store.list({ limit: 100 })));
    expect(store.list({ sinceMs: at(12) + 1, limit: 100 })).toEqual([]);
  });

  it('combines every filter with paging', () => {
    const checkoutByAlice = { experimentKey: 'checkout-v2', actor: 'alice' };
    expect(seqs(store.list({ ...checkoutByAlice, limit: 100 }))).toEqual([11, 7, 6, 1]);
    expect(seqs(store.list({ ...checkoutByAlice, beforeSeq: 7, limit: 100 }))).toEqual([6, 1]);
    expect(seqs(store.list({ ...checkoutByAlice, beforeSeq: 11, limit: 1 }))).toEqual([7]);
    expect(
      seqs(store.list({ action: 'experiment.pause', sinceMs: at(7), untilMs: at(12), limit: 100 })),
    ).toEqual([11]);
    expect(
      seqs(store.list({ actor: 'runway:scheduler', afterSeq: 3, beforeSeq: 9, limit: 9 })),
    ).toEqual([8, 4]);
  });

  it('treats an empty text filter as no filter, and matches text exactly otherwise', () => {
    expect(store.list({ experimentKey: '', actor: '', action: '', limit: 100 })).toHaveLength(12);
    expect(store.list({ experimentKey: 'checkout', limit: 100 })).toEqual([]);
    expect(store.list({ actor: 'ALICE', limit: 100 })).toEqual([]);
  });
});

describe('AuditStore.count', () => {
  it('counts what the same filter lists, whatever the page size', () => {
    const filters = [
      {},
      { experimentKey: 'checkout-v2' },
      { actor: 'bob' },
      { action: 'experiment.start', sinceMs: at(4) },
      { sinceMs: at(2), untilMs: at(9) },
      { experimentKey: 'nobody' },
    ];
    for (const filter of filters)
      expect(store.count(filter), JSON.stringify(filter)).toBe(
        store.list({ ...filter, limit: 10_000 }).length,
      );
    expect(store.count({ actor: 'bob' })).toBe(3);
  });
});

describe('AuditService', () => {
  it('lists views (details parsed, hash kept) and counts through the store; the chain stays valid', () => {
    const [newest] = service.list({ experimentKey: 'checkout-v2', limit: 1 });
    expect(newest).toMatchObject({
      seq: 12,
      actor: 'bob',
      action: 'experiment.abort',
      details: {},
    });
    expect(newest!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(service.count({ experimentKey: 'search-v3', untilMs: at(10) })).toBe(3);
    expect(verifyChain(store.iterateAll(), store.head())).toMatchObject({ ok: true, rows: 12 });
  });
});

describe('the audit inputs', () => {
  it('accept the paging and time filters, and refuse a range that ends before it starts', () => {
    expect(auditListInput.parse({ beforeSeq: 5, sinceMs: 1, untilMs: 2, limit: 10 })).toEqual({
      beforeSeq: 5,
      sinceMs: 1,
      untilMs: 2,
      limit: 10,
    });
    expect(auditListInput.parse(undefined)).toBeUndefined();
    const backwards = auditListInput.safeParse({ sinceMs: 5, untilMs: 5 });
    expect(backwards.success).toBe(false);
    expect(backwards.error?.issues[0]).toMatchObject({
      path: ['untilMs'],
      message: 'untilMs must be after sinceMs',
    });
    expect(auditListInput.safeParse({ beforeSeq: 0 }).success).toBe(false);
    expect(auditCountInput.safeParse({ limit: 5 }).success).toBe(false); // paging means nothing to a count: refused, not ignored
    expect(auditCountInput.parse({ actor: 'bob', sinceMs: 0 })).toEqual({
      actor: 'bob',
      sinceMs: 0,
    });
  });
});
