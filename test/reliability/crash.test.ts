import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../support/child-server';
import { openReadOnly } from '../support/db-inspect';
import { makeSpec } from '../support/harness';
import {
  getProcedure,
  postProcedure,
  resultOf,
  runPool,
  runwayErrorOf,
  type HttpReply,
} from '../support/http-calls';

// DESIGN §3 + §8: each enqueue is one transaction; an acknowledged write survives a crash, and an
// idempotency key makes "retry everything after a crash" safe: nothing lost, nothing doubled.

const TOTAL = 1_000;
const IN_FLIGHT = 100;
const KILL_AFTER_ACKS = 300;

interface EnqueueData {
  experiments: Array<{ key: string; state: string; version: number; blockedReasons: unknown[] }>;
  replayed: boolean;
}

interface EnqueueRequest {
  idempotencyKey: string;
  spec: Record<string, unknown>;
}

const requests: EnqueueRequest[] = Array.from({ length: TOTAL }, (_, index) => ({
  idempotencyKey: `k-${index}`,
  spec: makeSpec(`crash-${index}`),
}));

/** The stored part of an enqueue answer: blocked reasons are computed fresh on every answer. */
function storedPart(data: EnqueueData): Array<{ key: string; state: string; version: number }> {
  return data.experiments.map(({ key, state, version }) => ({ key, state, version }));
}

function enqueue(server: ChildServer, token: string, request: EnqueueRequest): Promise<HttpReply> {
  return postProcedure(
    server.url,
    'experiments.enqueue',
    { specs: [request.spec], idempotencyKey: request.idempotencyKey },
    token,
  );
}

let dir: string;
let dbPath: string;
let server: ChildServer | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-crash-'));
  dbPath = join(dir, 'runway.db');
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of 1,000 concurrent enqueues', () => {
  it('loses no acknowledged enqueue, doubles none, and keeps the audit chain intact after retrying everything', async () => {
    server = await spawnServer(dbPath);
    const first = server;
    const created = resultOf<{ token: string }>(
      await postProcedure(
        first.url,
        'auth.createToken',
        { name: 'ci-bot', role: 'operator' },
        first.adminToken,
      ),
    );
    const operator = created.token;

    // ---- load, and the crash -------------------------------------------------------------
    const acknowledged = new Map<number, EnqueueData>();
    const unexpectedReplies: string[] = [];
    let sent = 0;
    let failedInFlight = 0;
    let killed = false;
    await runPool(requests, IN_FLIGHT, async (request, index) => {
      if (killed) return; // never sent: the client saw the server die and stopped
      sent++;
      let reply: HttpReply;
      try {
        reply = await enqueue(first, operator, request);
      } catch {
        failedInFlight++; // connection reset or refused: the outcome is unknown to the client
        return;
      }
      if (reply.status !== 200) {
        unexpectedReplies.push(`#${index}: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
        return;
      }
      acknowledged.set(index, resultOf<EnqueueData>(reply));
      if (!killed && acknowledged.size >= KILL_AFTER_ACKS) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(unexpectedReplies).toEqual([]);
    // A real mid-way crash: requests were in flight when it died, and some were never sent.
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acknowledged.size).toBeLessThan(TOTAL);
    expect(failedInFlight).toBeGreaterThan(0);
    expect(sent).toBeLessThan(TOTAL);
    for (const data of acknowledged.values()) expect(data.replayed).toBe(false);

    // ---- restart on the same file ----------------------------------------------------------
    server = await spawnServer(dbPath);
    const second = server;
    expect(second.adminToken).toBe(first.adminToken); // admin.token beside the database is reused

    // Durability first: every acknowledged experiment is there before anyone retries.
    const listed = resultOf<Array<{ key: string }>>(
      await getProcedure(second.url, 'experiments.list', {}, operator),
    );
    const listedKeys = new Set(listed.map((experiment) => experiment.key));
    const missing = [...acknowledged.keys()].filter((index) => !listedKeys.has(`crash-${index}`));
    expect(missing).toEqual([]);

    // ---- retry every request: same idempotency key, same spec --------------------------------
    const retried = new Map<number, EnqueueData>();
    const failedRetries: string[] = [];
    await runPool(requests, IN_FLIGHT, async (request, index) => {
      const reply = await enqueue(second, operator, request);
      if (reply.status === 200) retried.set(index, resultOf<EnqueueData>(reply));
      else failedRetries.push(`#${index}: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
    });
    expect(failedRetries).toEqual([]);
    expect(retried.size).toBe(TOTAL);

    for (const [index, original] of acknowledged) {
      const again = retried.get(index)!;
      expect(again.replayed, `retry of acknowledged k-${index}`).toBe(true);
      expect(storedPart(again)).toEqual(storedPart(original));
    }
    // Whatever was not acknowledged either committed before the kill (replayed) or is new now;
    // exactly the requests that never reached the database are enqueued fresh.
    const replayedUnacknowledged = [...retried].filter(
      ([index, data]) => !acknowledged.has(index) && data.replayed,
    ).length;
    const freshNow = [...retried.values()].filter((data) => !data.replayed).length;
    expect(acknowledged.size + replayedUnacknowledged + freshNow).toBe(TOTAL);
    expect(listedKeys.size).toBe(acknowledged.size + replayedUnacknowledged);
    for (const [index, data] of retried)
      expect(storedPart(data)).toEqual([{ key: `crash-${index}`, state: 'queued', version: 1 }]);

    // ---- the same key with a different spec is refused ---------------------------------------
    const mismatch = await postProcedure(
      second.url,
      'experiments.enqueue',
      { specs: [makeSpec('crash-0', { priority: 99 })], idempotencyKey: 'k-0' },
      operator,
    );
    expect(mismatch.status).toBe(422);
    expect(runwayErrorOf(mismatch)?.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(mismatch.text).toContain('k-0');
    const otherSpecSameKey = await postProcedure(
      second.url,
      'experiments.enqueue',
      { specs: [makeSpec('crash-new')], idempotencyKey: 'k-1' },
      operator,
    );
    expect(runwayErrorOf(otherSpecSameKey)?.code).toBe('IDEMPOTENCY_MISMATCH');

    // ---- the audit chain, over the API --------------------------------------------------------
    const verdict = resultOf<{ ok: boolean; rows: number }>(
      await getProcedure(second.url, 'audit.verify', undefined, second.adminToken),
    );
    expect(verdict).toMatchObject({ ok: true });
    const enqueueEntries = resultOf<Array<{ experimentKey: string }>>(
      await getProcedure(
        second.url,
        'audit.list',
        { action: 'experiment.enqueue', limit: 10_000 },
        second.adminToken,
      ),
    );
    expect(enqueueEntries).toHaveLength(TOTAL);

    // ---- and in the file itself, after a clean stop -------------------------------------------
    await second.stop();
    server = null;
    const db = openReadOnly(dbPath);
    try {
      const rows = db
        .prepare("SELECT key, COUNT(*) AS n FROM experiments WHERE key LIKE 'crash-%' GROUP BY key")
        .all() as Array<{ key: string; n: number }>;
      expect(rows).toHaveLength(TOTAL);
      expect(rows.every((row) => row.n === 1)).toBe(true);
      expect(new Set(rows.map((row) => row.key))).toEqual(
        new Set(requests.map((request) => request.spec.key)),
      );
      const enqueueAudit = db
        .prepare(
          "SELECT experiment_key AS key, COUNT(*) AS n FROM audit_log WHERE action = 'experiment.enqueue' GROUP BY experiment_key",
        )
        .all() as Array<{ key: string; n: number }>;
      expect(enqueueAudit).toHaveLength(TOTAL);
      expect(enqueueAudit.filter((row) => row.n !== 1)).toEqual([]);
      const enqueueHistory = db
        .prepare("SELECT COUNT(*) FROM stage_history WHERE event = 'enqueue'")
        .pluck()
        .get();
      expect(enqueueHistory).toBe(TOTAL);
      expect(
        db.prepare("SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'k-%'").pluck().get(),
      ).toBe(TOTAL);
    } finally {
      db.close();
    }
  }, 180_000);
});
