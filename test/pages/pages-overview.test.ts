import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock';
import { applyMigrations } from '../../server/src/store/database';
import { MIGRATIONS } from '../../server/src/store/migrations';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { expectClientError } from '../support/http-calls';
import { deltaSum, postMetrics } from '../support/otlp';

// Pages are what Runway raised for a person: the console's overview, the tray badge and the
// Slack bot read the same rows. A guardrail rollback during the bake raises the evidence page for
// the experiment that failed (in place of its rollback page) and one rollback page per dependent
// taken down; acknowledging one is audited once.

const START_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
let server: TestServer;
let clock: ManualClock;

afterEach(async () => {
  await server?.stop();
});

async function sendTreatment(key: string, requests: number, errors: number): Promise<void> {
  const metrics = [
    deltaSum('runway.requests', key, { treatment: requests }, clock.now()),
    deltaSum('runway.requests.errors', key, { treatment: errors }, clock.now()),
  ];
  expect(await postMetrics(server.url, server.tokens.alice, 'payments', metrics)).toEqual({
    status: 200,
    body: {},
  });
}

/** payments-api-v3 completes, checkout-one-click starts on it, then errors climb in the bake. */
async function rollBackInTheBake(): Promise<void> {
  await server.client(server.tokens.alice).experiments.enqueue.mutate({
    specs: [
      makeSpec('payments-api-v3', {
        service: 'payments',
        stages: [{ percent: 100, hold: '1m' }],
        guardrails: [{ sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' }],
      }),
      makeSpec('checkout-one-click', { requires: ['payments-api-v3'] }),
      makeSpec('search-rerank', { requires: ['checkout-one-click'] }),
    ],
  });
  server.runway.scheduler.tick();
  clock.advance(10_000);
  await sendTreatment('payments-api-v3', 20_000, 80);
  server.runway.guardrails.evaluateRunning(clock.now());
  clock.advance(60_000);
  server.runway.scheduler.tick();
  server.runway.scheduler.tick();
  expect(server.runway.experimentStore.get('checkout-one-click')?.state).toBe('running');
  clock.advance(5_000);
  await sendTreatment('payments-api-v3', 20_000, 2_000);
  server.runway.guardrails.evaluateRunning(clock.now());
  expect(server.runway.experimentStore.get('payments-api-v3')?.state).toBe('rolled_back');
}

describe('pages', () => {
  it('raises one page per event, lists the open ones and acknowledges once', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock, guardrailLoop: false });
    await rollBackInTheBake();
    const alice = server.client(server.tokens.alice);
    const vic = server.client(server.tokens.vic);

    const open = await vic.pages.list.query({ open: true });
    // Newest first: the dependent's rollback page, then the guardrail's evidence page, which
    // commits with the rollback and stands for payments-api-v3's own rollback page.
    expect(open.map((page) => [page.kind, page.experimentKey])).toEqual([
      ['guardrail', 'payments-api-v3'],
      ['rollback', 'checkout-one-click'],
    ]);
    const evidence = open.find((page) => page.kind === 'guardrail')!;
    expect(evidence).toMatchObject({
      service: 'payments',
      team: 'payments',
      owner: 'alice@example.com',
      raisedAtMs: clock.now(),
      acknowledgedAtMs: null,
      acknowledgedBy: null,
    });
    expect(evidence.summary).toMatch(/^guardrail error_rate failed: estimate 0\.\d+ vs max 0\.02/);
    expect(open[1]!.summary).toMatch(
      /^rolled back by runway:guardrails: cascade from payments-api-v3: guardrail error_rate/,
    );

    // Every page's outbox message names its page, so the bot can update what it sent.
    const outbox = server.runway.db
      .prepare("SELECT topic, payload_json AS payload FROM outbox WHERE topic LIKE 'page.%'")
      .all() as Array<{ topic: string; payload: string }>;
    expect(outbox).toHaveLength(2);
    const pageIds = outbox.map((row) => (JSON.parse(row.payload) as { pageId: number }).pageId);
    expect(pageIds.sort()).toEqual(open.map((page) => page.id).sort());

    expect((await expectClientError(vic.pages.acknowledge.mutate({ id: evidence.id }))).code).toBe(
      'FORBIDDEN',
    );
    clock.advance(30_000);
    const acknowledged = await alice.pages.acknowledge.mutate({ id: evidence.id });
    expect(acknowledged).toMatchObject({ acknowledgedBy: 'alice', acknowledgedAtMs: clock.now() });
    clock.advance(30_000);
    const again = await server.client(server.tokens.bob).pages.acknowledge.mutate({
      id: evidence.id,
    });
    expect(again).toEqual(acknowledged);

    const audit = server.runway.audit.list({ action: 'page.acknowledge', limit: 10 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'alice',
      experimentKey: 'payments-api-v3',
      details: { pageId: evidence.id, kind: 'guardrail' },
    });
    expect((await vic.pages.list.query({ open: true })).map((page) => page.id)).not.toContain(
      evidence.id,
    );
    expect((await vic.pages.list.query({ open: false })).map((page) => page.id)).toEqual([
      evidence.id,
    ]);
    expect(
      (await vic.pages.list.query({ experimentKey: 'checkout-one-click' })).map((p) => p.kind),
    ).toEqual(['rollback']);
  });

  it('refuses bad input and unknown pages without writing anything', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock, guardrailLoop: false });
    const alice = server.client(server.tokens.alice);
    expect((await expectClientError(alice.pages.acknowledge.mutate({ id: 4242 }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await expectClientError(alice.pages.acknowledge.mutate({ id: -1 }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await expectClientError(alice.pages.list.query({ limit: 0 }))).code).toBe(
      'BAD_REQUEST',
    );
    expect(server.runway.audit.list({ action: 'page.acknowledge', limit: 10 })).toEqual([]);
  });
});

describe('overview', () => {
  it('counts states, judges budgets as the gate does, and lists freezes, automatic actions and open pages', async () => {
    clock = new ManualClock(START_MS);
    server = await startTestServer({ clock, guardrailLoop: false });
    const admin = server.client(server.tokens.admin);
    const bob = server.client(server.tokens.bob);
    await admin.policy.setBudgetPolicy.mutate({ minRemainingFraction: 0.1, maxBurnRate: 2 });
    for (const service of ['checkout', 'search', 'ledger']) {
      await admin.policy.setSlo.mutate({ service, objective: 0.999, windowMs: 86_400_000 });
    }
    await admin.policy.setBudget.mutate({
      service: 'checkout',
      remainingFraction: 0.6,
      burnRate: 1,
    });
    await admin.policy.setBudget.mutate({ service: 'ledger', remainingFraction: 0.5, burnRate: 3 });
    await bob.policy.freeze.mutate({
      service: 'search',
      untilMs: START_MS + 3_600_000,
      reason: 'peak traffic',
    });
    await rollBackInTheBake();

    const overview = await server.client(server.tokens.vic).overview.get.query();
    expect(overview.nowMs).toBe(clock.now());
    expect(overview.countsByState).toEqual({
      draft: 0,
      pending_approval: 0,
      queued: 1,
      running: 0,
      paused: 0,
      completed: 0,
      rolled_back: 2,
      aborted: 0,
    });
    expect(overview.budgetPolicy).toEqual({ minRemainingFraction: 0.1, maxBurnRate: 2 });
    const budgets = Object.fromEntries(overview.budgets.map((b) => [b.service, b]));
    expect(budgets['checkout']).toMatchObject({
      remainingFraction: 0.6,
      burnRate: 1,
      blocking: false,
    });
    expect(budgets['ledger']).toMatchObject({
      remainingFraction: 0.5,
      burnRate: 3,
      blocking: true,
    });
    expect(budgets['search']).toMatchObject({ remainingFraction: null, blocking: false });
    expect(overview.freezes).toMatchObject([
      {
        service: 'search',
        endsAtMs: START_MS + 3_600_000,
        reason: 'peak traffic',
        createdBy: 'bob',
      },
    ]);
    const automatic = overview.recentAutomaticActions.map((a) => [
      a.actor,
      a.action,
      a.experimentKey,
    ]);
    expect(automatic.slice(0, 2)).toEqual([
      ['runway:guardrails', 'experiment.rollback', 'payments-api-v3'],
      ['runway:guardrails', 'experiment.rollback', 'checkout-one-click'],
    ]);
    expect(automatic).toContainEqual(['runway:scheduler', 'experiment.start', 'payments-api-v3']);
    // Each carries where the experiment stood after it, so a ramp reads as more than
    // "running → running".
    const started = overview.recentAutomaticActions.find(
      (a) => a.action === 'experiment.start' && a.experimentKey === 'payments-api-v3',
    );
    expect(started).toMatchObject({ fromState: 'queued', toState: 'running', stage: 1 });
    expect(started?.exposurePercent).toBeGreaterThan(0);
    expect(automatic.every(([actor]) => actor !== 'bob' && actor !== 'alice')).toBe(true);
    expect(overview.openPages).toHaveLength(2);
  });
});

describe('migration 7', () => {
  it('carries pages queued before it over as open pages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runway-pages-'));
    try {
      const db = new Database(join(dir, 'runway.db'));
      applyMigrations(
        db,
        MIGRATIONS.filter((migration) => migration.version < 7),
      );
      const add = db.prepare(
        'INSERT INTO outbox (topic, dedupe_key, payload_json, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)',
      );
      add.run(
        'page.rollback',
        'rollback:a',
        JSON.stringify({ experimentKey: 'a', reason: 'bad' }),
        5,
        5,
      );
      add.run(
        'page.guardrail',
        'page.guardrail:b:3',
        JSON.stringify({ key: 'b', sli: 'error_rate' }),
        6,
        6,
      );
      add.run('notify.other', null, JSON.stringify({ key: 'c' }), 7, 7);
      // Up to 7 only: later migrations (8: Slack requests, 9+: Slack delivery) are not about pages.
      expect(
        applyMigrations(
          db,
          MIGRATIONS.filter((migration) => migration.version <= 7),
        ),
      ).toEqual([7]);
      expect(
        db
          .prepare(
            'SELECT kind, experiment_key AS key, summary, raised_at AS at, acknowledged_at AS ack FROM pages ORDER BY id',
          )
          .all(),
      ).toEqual([
        { kind: 'rollback', key: 'a', summary: 'rolled back: bad', at: 5, ack: null },
        { kind: 'guardrail', key: 'b', summary: 'guardrail error_rate failed', at: 6, ack: null },
      ]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
