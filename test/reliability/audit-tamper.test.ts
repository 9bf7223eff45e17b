import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashAuditRow, type AuditContent } from '../../server/src/audit/audit-chain';
import type { ManualClock } from '../../server/src/clock';
import { openForTampering, openReadOnly } from '../support/db-inspect';
import { startServerOnFile, type FileServer } from '../support/file-server';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { runCli } from '../support/run-cli';
import { enqueueAndStart, scenarioClock, tick } from '../support/scenario';

// DESIGN §8: the audit log is append-only and hash-chained, so an edited or deleted row is
// detected — by audit.verify over the API and by `runway audit --verify` — after a restart on
// the same file. And nothing but tampering makes it fail.

let clock: ManualClock;
let first: TestServer;
let restarted: FileServer | null = null;

beforeEach(async () => {
  clock = scenarioClock();
  first = await startTestServer({ clock });
});
afterEach(async () => {
  await restarted?.close();
  restarted = null;
  await first.close();
  rmSync(first.dir, { recursive: true, force: true });
});

/** A real history: enqueue, start, pause, resume, ramp, and a rollback. Returns the audit row count. */
async function buildHistory(): Promise<number> {
  const alice = first.client(first.tokens.alice);
  const bob = first.client(first.tokens.bob);
  let version = await enqueueAndStart(alice, bob, 'tamper-exp', {
    stages: [
      { percent: 10, hold: '5m' },
      { percent: 50, hold: '5m' },
    ],
  });
  await alice.experiments.enqueue.mutate({ specs: [makeSpec('tamper-other')] });
  version = (
    await alice.experiments.pause.mutate({
      key: 'tamper-exp',
      expectedVersion: version,
      reason: 'error spike',
    })
  ).changed[0]!.version;
  version = (
    await alice.experiments.resume.mutate({
      key: 'tamper-exp',
      expectedVersion: version,
      reason: 'false alarm',
    })
  ).changed[0]!.version;
  clock.advance(5 * 60_000);
  await tick(bob);
  version = (await alice.experiments.get.query({ key: 'tamper-exp' })).version;
  await alice.experiments.rollback.mutate({
    key: 'tamper-exp',
    expectedVersion: version,
    reason: 'conversion down',
  });
  const verdict = await alice.audit.verify.query();
  expect(verdict).toMatchObject({ ok: true });
  const actions = (await alice.audit.list.query({ experimentKey: 'tamper-exp' }))
    .map((entry) => entry.action)
    .reverse();
  expect(actions).toEqual([
    'experiment.enqueue',
    'experiment.start',
    'experiment.pause',
    'experiment.resume',
    'experiment.advance',
    'experiment.rollback',
  ]);
  return verdict.rows;
}

/** Stops the server, changes the file with `edit`, and starts a new server on it. */
async function tamperAndRestart(
  edit: (db: ReturnType<typeof openForTampering>) => void,
): Promise<FileServer> {
  await first.close();
  const db = openForTampering(first.dbPath);
  try {
    edit(db);
  } finally {
    db.close();
  }
  restarted = await startServerOnFile(first.dbPath, { clock });
  return restarted;
}

async function verifyOverApi(
  server: FileServer,
): Promise<{ ok: boolean; seq?: number; problem?: string; rows: number }> {
  return server.client(first.tokens.vic).audit.verify.query();
}

/** `runway audit --verify` against the restarted server: exit 1, naming the row. */
async function expectCliReports(server: FileServer, seq: number): Promise<void> {
  const run = await runCli(['audit', '--verify'], { url: server.url, token: first.tokens.vic });
  expect(run.exitCode, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(1);
  expect(`${run.stdout}${run.stderr}`).toMatch(new RegExp(`\\brow ${seq}\\b`));
}

describe('audit chain tampering', () => {
  it('detects an edited row after a restart, and names it', async () => {
    await buildHistory();
    const server = await tamperAndRestart((db) => {
      expect(db.prepare("UPDATE audit_log SET reason = 'edited' WHERE seq = 3").run().changes).toBe(
        1,
      );
    });
    const verdict = await verifyOverApi(server);
    expect(verdict).toMatchObject({ ok: false, seq: 3 });
    expect(verdict.problem).toContain('row 3');
    await expectCliReports(server, 3);
  });

  it('detects an edited decision even when the editor recomputes that row’s own hash', async () => {
    await buildHistory();
    const reader = openReadOnly(first.dbPath);
    const pauseSeq = reader
      .prepare("SELECT seq FROM audit_log WHERE action = 'experiment.pause'")
      .pluck()
      .get() as number;
    reader.close();
    const server = await tamperAndRestart((db) => {
      const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(pauseSeq) as Record<
        string,
        string | number | null
      >;
      const content: AuditContent = {
        seq: pauseSeq,
        at: row.at as number,
        actor: 'carol',
        action: row.action as string,
        experimentKey: row.experiment_key as string,
        fromState: row.from_state as string,
        toState: row.to_state as string,
        reason: row.reason as string,
        cause: null,
        detailsJson: row.details_json as string,
      };
      db.prepare("UPDATE audit_log SET actor = 'carol', hash = ? WHERE seq = ?").run(
        hashAuditRow(row.prev_hash as string, content),
        pauseSeq,
      );
    });
    const verdict = await verifyOverApi(server);
    // The edited row now hashes correctly, but the next row no longer links to it.
    expect(verdict).toMatchObject({ ok: false, seq: pauseSeq + 1 });
    expect(verdict.problem).toContain(`row ${pauseSeq + 1}: does not link to row ${pauseSeq}`);
    await expectCliReports(server, pauseSeq + 1);
  });

  it('detects a deleted last row through the separately kept chain head', async () => {
    const rows = await buildHistory();
    const server = await tamperAndRestart((db) => {
      expect(
        db.prepare('DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)').run()
          .changes,
      ).toBe(1);
    });
    const verdict = await verifyOverApi(server);
    expect(verdict).toMatchObject({ ok: false, seq: rows });
    expect(verdict.problem).toContain(`names row ${rows} but the log ends at row ${rows - 1}`);
    await expectCliReports(server, rows);
  });

  it('detects a deleted row in the middle', async () => {
    await buildHistory();
    const server = await tamperAndRestart((db) => {
      expect(db.prepare('DELETE FROM audit_log WHERE seq = 5').run().changes).toBe(1);
    });
    const verdict = await verifyOverApi(server);
    expect(verdict).toMatchObject({ ok: false, seq: 6 });
    expect(verdict.problem).toContain('row 6: expected row 5 before it');
  });

  it('still verifies after a clean restart, and keeps verifying as the log grows', async () => {
    const rows = await buildHistory();
    const server = await tamperAndRestart(() => {});
    expect(await verifyOverApi(server)).toMatchObject({ ok: true, rows });
    await server
      .client(first.tokens.alice)
      .experiments.enqueue.mutate({ specs: [makeSpec('after-restart')] });
    expect(await verifyOverApi(server)).toMatchObject({ ok: true, rows: rows + 1 });
    const run = await runCli(['audit', '--verify'], { url: server.url, token: first.tokens.vic });
    expect(run.exitCode, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(0);
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('no false alarms', () => {
  it('verifies whatever text the reasons carry: unicode, NUL, very long; refuses lone surrogates', async () => {
    const alice = first.client(first.tokens.alice);
    let version = await enqueueAndStart(alice, first.client(first.tokens.bob), 'unicode-reasons');
    const reason = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
      fc.constantFrom(
        '\uD800',
        'a\uDC00b',
        '\uDBFF\uDBFF',
        'nul\u0000byte',
        '🚀\uD83D',
        'e\u0301',
        '\u202Eevil',
        'x'.repeat(2_000),
      ),
    );
    await fc.assert(
      fc.asyncProperty(reason, async (text) => {
        if (text.trim().length === 0) return; // a blank reason is refused, tested elsewhere
        const mutation = version % 2 === 0 ? alice.experiments.pause : alice.experiments.resume;
        const call = mutation.mutate({
          key: 'unicode-reasons',
          expectedVersion: version,
          reason: text,
        });
        if (LONE_SURROGATE.test(text)) {
          // It could not be stored as sent, so it is refused rather than silently altered.
          await expect(call).rejects.toThrow(/lone surrogate/);
        } else {
          version = (await call).changed[0]!.version;
        }
        const verdict = await alice.audit.verify.query();
        if (!verdict.ok)
          throw new Error(`false alarm after reason ${JSON.stringify(text)}: ${verdict.problem}`);
      }),
      { seed: 8_080, numRuns: 150 },
    );
  });
});
