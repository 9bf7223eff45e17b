import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../server/src/clock';
import { applyMigrations } from '../../server/src/store/database';
import { MIGRATIONS } from '../../server/src/store/migrations';
import { startTestServer, type TestServer } from '../support/harness';
import { enqueueAndStart, scenarioClock } from '../support/scenario';

// "Experiments stuck in a state past a limit" page their owner (issue 5): paused for an hour,
// an approval nobody gives for a day, a stage held an hour past its hold. Once per state.

const MINUTE = 60_000;
let server: TestServer;
let clock: ManualClock;

afterEach(async () => {
  await server?.stop();
});

const stuckPages = () =>
  server.runway.pages
    .list({ userId: null, name: 'test', role: 'viewer' }, { limit: 100 })
    .filter((page) => page.kind === 'stuck');

describe('stuck experiments', () => {
  it('pages a forgotten pause once, and again only after it changes and sticks again', async () => {
    clock = scenarioClock();
    server = await startTestServer({ clock });
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    let version = await enqueueAndStart(alice, bob, 'checkout-v2');
    version = (
      await alice.experiments.pause.mutate({
        key: 'checkout-v2',
        expectedVersion: version,
        reason: 'looking',
      })
    ).changed[0]!.version;

    clock.advance(60 * MINUTE - 1);
    expect(server.runway.stuck.check()).toEqual([]);
    clock.advance(1);
    const [first] = server.runway.stuck.check();
    expect(first).toBeDefined();
    expect(server.runway.stuck.check()).toEqual([]);
    expect(stuckPages()).toEqual([
      expect.objectContaining({
        id: first,
        experimentKey: 'checkout-v2',
        owner: 'alice@example.com',
        summary: 'paused for 1h (limit 1h)',
        acknowledgedAtMs: null,
      }),
    ]);
    const outbox = server.runway.db
      .prepare("SELECT payload_json AS payload FROM outbox WHERE topic = 'page.stuck'")
      .pluck()
      .all() as string[];
    expect(outbox.map((text) => JSON.parse(text))).toEqual([
      expect.objectContaining({
        pageId: first,
        experimentKey: 'checkout-v2',
        state: 'paused',
        limitMs: 60 * MINUTE,
      }),
    ]);

    version = (
      await alice.experiments.resume.mutate({ key: 'checkout-v2', expectedVersion: version })
    ).changed[0]!.version;
    await alice.experiments.pause.mutate({
      key: 'checkout-v2',
      expectedVersion: version,
      reason: 'again',
    });
    clock.advance(60 * MINUTE);
    expect(server.runway.stuck.check()).toHaveLength(1);
    expect(stuckPages()).toHaveLength(2);
  });

  it('pages a stage held an hour past its hold, and an approval nobody gives for a day', async () => {
    clock = scenarioClock();
    server = await startTestServer({ clock });
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    // Stage 2 needs an approval nobody gives, so it stays at stage 1 past its 10m hold.
    await enqueueAndStart(alice, bob, 'search-ranking', {
      stages: [
        { percent: 10, hold: '10m' },
        { percent: 50, hold: '10m', approve: true },
      ],
    });
    await alice.experiments.enqueue.mutate({
      specs: [
        {
          key: 'fraud-model-v5',
          title: 'Fraud model v5',
          owner: 'alice@example.com',
          team: 'risk',
          service: 'payments',
          layer: 'fraud',
          risk: 'high',
          stages: [{ percent: 10, hold: '10m' }],
        },
      ],
    });
    expect(server.runway.experimentStore.get('fraud-model-v5')?.state).toBe('pending_approval');

    clock.advance(70 * MINUTE - 1);
    await bob.scheduler.tick.mutate();
    expect(server.runway.stuck.check()).toEqual([]);
    clock.advance(1);
    expect(server.runway.stuck.check()).toHaveLength(1);
    expect(stuckPages().map((page) => [page.experimentKey, page.summary])).toEqual([
      ['search-ranking', 'running at stage 1/2 (hold 10m) for 1h10m (limit 1h10m)'],
    ]);

    clock.advance(24 * 60 * MINUTE);
    server.runway.stuck.check();
    expect(stuckPages().map((page) => page.experimentKey)).toContain('fraud-model-v5');
  });
});

describe('migration 11', () => {
  it('rebuilds pages with the new kind, keeping rows, ids and the Slack rows that refer to them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runway-pages-11-'));
    try {
      const db = new Database(join(dir, 'runway.db'));
      db.pragma('foreign_keys = ON');
      applyMigrations(
        db,
        MIGRATIONS.filter((migration) => migration.version < 11),
      );
      db.prepare(
        "INSERT INTO pages (id, dedupe_key, kind, experiment_key, summary, raised_at) VALUES (7, 'rollback:a', 'rollback', 'a', 'rolled back', 5)",
      ).run();
      db.prepare(
        "INSERT INTO slack_page_messages (page_id, destination, status, channel, ts, at) VALUES (7, 'owner', 'posted', 'D1', '1.1', 6)",
      ).run();
      expect(() =>
        db
          .prepare(
            "INSERT INTO pages (dedupe_key, kind, experiment_key, summary, raised_at) VALUES ('stuck:a:1', 'stuck', 'a', 's', 9)",
          )
          .run(),
      ).toThrow(/CHECK constraint/);

      // Up to 11 only: later migrations (12: digest scopes) are not about pages.
      expect(
        applyMigrations(
          db,
          MIGRATIONS.filter((migration) => migration.version <= 11),
        ),
      ).toEqual([11]);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.prepare('SELECT id, kind FROM pages').all()).toEqual([{ id: 7, kind: 'rollback' }]);
      db.prepare(
        "INSERT INTO pages (dedupe_key, kind, experiment_key, summary, raised_at) VALUES ('stuck:a:1', 'stuck', 'a', 's', 9)",
      ).run();
      // The Slack rows still refer to pages: a message for a page that does not exist is refused.
      expect(() =>
        db
          .prepare(
            "INSERT INTO slack_page_messages (page_id, destination, status, channel, ts, at) VALUES (999, 'owner', 'posted', 'D1', '1.2', 6)",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
