import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../server/src/audit/audit-store';
import { ManualClock } from '../../server/src/clock';
import { loadServerConfig } from '../../server/src/config/config';
import { startServer, type RunningServer } from '../../server/src/serve';
import { createSlackDelivery } from '../../server/src/slack-delivery/create-slack-delivery';
import { DigestStore } from '../../server/src/slack-delivery/digest-store';
import { applyMigrations } from '../../server/src/store/database';
import { MIGRATIONS } from '../../server/src/store/migrations';
import { makeSpec } from '../support/harness';
import { expectClientError } from '../support/http-calls';
import { startSlackApiStub, type RecordedCall } from '../support/slack-api-stub';
import {
  ALICE,
  CONSOLE_URL,
  failGuardrail,
  metadataOf,
  START_MS,
  startDeliveryRig,
  textOf,
  type DeliveryRig,
} from './delivery-test-kit';

// A digest scoped to one team or one service lists only that team's or service's changes,
// waiting experiments, open pages and budgets, with other teams busy in the same period; the
// whole fleet's digest still lists everything. Schedules stored before scopes existed
// (migration 12) stay whole-fleet digests.

const VIEWER = { userId: null, name: 'test', role: 'viewer' } as const;
/** The first slot of a '0 10 * * *' UTC schedule made at START_MS (Nov 30, 09:00 UTC). */
const SLOT_MS = Date.UTC(2026, 10, 30, 10);

let rig: DeliveryRig | null = null;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await rig?.stop();
  rig = null;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function digestIn(calls: readonly RecordedCall[], channel: string): RecordedCall {
  const posts = calls.filter(
    (call) =>
      call.method === 'chat.postMessage' &&
      metadataOf(call)?.event_type === 'runway_digest' &&
      call.args['channel'] === channel,
  );
  expect(posts, `digests posted to ${channel}`).toHaveLength(1);
  return posts[0]!;
}

/**
 * Two teams busy in one period. Team payments: pay-checkout (service payments) starts and its
 * guardrail pauses it (a page); pay-followup (service payments-api) waits for it. Team search:
 * search-rerank (also service payments) starts and its guardrail rolls it back (a page);
 * search-waiting (service search) waits for its notBefore.
 */
async function twoBusyTeams(active: DeliveryRig): Promise<void> {
  const admin = active.server.client(active.server.tokens.admin);
  for (const service of ['payments', 'search', 'checkout'])
    await admin.policy.setSlo.mutate({ service, objective: 0.999, windowMs: 86_400_000 });
  await failGuardrail(active, 'pay-checkout', { team: 'payments' });
  await failGuardrail(active, 'search-rerank', { team: 'search', action: 'rollback' });
  await active.server.client(active.server.tokens.alice).experiments.enqueue.mutate({
    specs: [
      makeSpec('pay-followup', {
        team: 'payments',
        service: 'payments-api',
        requires: ['pay-checkout'],
      }),
      makeSpec('search-waiting', {
        team: 'search',
        service: 'search',
        notBefore: '2027-01-01T00:00:00Z',
      }),
    ],
  });
  active.server.runway.scheduler.tick();
  const states = Object.fromEntries(
    ['pay-checkout', 'pay-followup', 'search-rerank', 'search-waiting'].map((key) => [
      key,
      active.server.runway.experimentStore.get(key)?.state,
    ]),
  );
  expect(states).toEqual({
    'pay-checkout': 'paused',
    'pay-followup': 'queued',
    'search-rerank': 'rolled_back',
    'search-waiting': 'queued',
  });
}

describe('scoped digests', () => {
  it("posts only a team's or a service's changes, waiting experiments, pages and budgets; the fleet's lists both teams", async () => {
    rig = await startDeliveryRig();
    const { runway } = rig.server;
    const alice = rig.server.client(rig.server.tokens.alice);
    const scheduled = await alice.digests.schedule.mutate({
      channel: 'C0PAYMENTS',
      cron: '0 10 * * *',
      timeZone: 'UTC',
      scope: { kind: 'team', name: 'payments' },
    });
    expect(scheduled).toMatchObject({
      channel: 'C0PAYMENTS',
      scope: { kind: 'team', name: 'payments' },
      experimentsInScope: 0,
      nextRunAtMs: SLOT_MS,
    });
    runway.digests.schedule(
      {
        channel: 'C0SVCPAY',
        cron: '0 10 * * *',
        timeZone: 'UTC',
        scope: { kind: 'service', name: 'payments' },
      },
      ALICE,
    );
    runway.digests.schedule({ channel: 'C0FLEET', cron: '0 10 * * *', timeZone: 'UTC' }, ALICE);

    await twoBusyTeams(rig);
    const openPages = runway.pages.list(VIEWER, { open: true });
    const pagesOf = (key: string) => openPages.filter((page) => page.experimentKey === key);
    expect(pagesOf('pay-checkout').length).toBeGreaterThan(0);
    expect(pagesOf('search-rerank').length).toBeGreaterThan(0);

    rig.clock.set(SLOT_MS);
    expect(await rig.delivery.postDueDigests()).toBe(3);

    const team = digestIn(rig.stub.calls, 'C0PAYMENTS');
    const teamText = textOf(team);
    expect(teamText).toContain(':newspaper: *Runway digest: team payments* for <!date^');
    expect(teamText).toContain('0 running · 1 paused · 1 queued');
    expect(teamText).toContain(
      '*:rocket: Started* (1)\\n• `pay-checkout`: stage 1 at 10% (runway:scheduler',
    );
    expect(teamText).toContain(
      '*:double_vertical_bar: Paused* (1)\\n• `pay-checkout`: guardrail error_rate failed',
    );
    expect(teamText).not.toContain('Rolled back');
    expect(teamText).toContain(
      '*:hourglass: Waiting* (1)\\n• `pay-followup` (queued): requires pay-checkout',
    );
    expect(teamText).toContain(
      `*:rotating_light: Open pages* (${pagesOf('pay-checkout').length})\\n• #`,
    );
    // Budgets: the services where the team has waiting, active or changed experiments, and only
    // those with an SLO (payments-api has none; search and checkout are other teams').
    expect(teamText).toContain(
      '*:moneybag: Error budgets* of the services where team payments has waiting, active or changed experiments\\n• `payments`: not measured yet',
    );
    for (const other of ['search-rerank', 'search-waiting', '`search`', '`checkout`'])
      expect(teamText).not.toContain(other);
    expect(team.args['text']).toBe(
      `Runway digest (team payments): 2 changes, 1 waiting, ${pagesOf('pay-checkout').length} open page${pagesOf('pay-checkout').length === 1 ? '' : 's'}`,
    );

    // A service's digest crosses teams: both experiments in service payments, nothing else.
    const serviceText = textOf(digestIn(rig.stub.calls, 'C0SVCPAY'));
    expect(serviceText).toContain('*Runway digest: service payments* for <!date^');
    expect(serviceText).toContain('0 running · 1 paused · 0 queued');
    expect(serviceText).toMatch(
      /\*:rocket: Started\* \(2\)\\n• `pay-checkout`[^\\]*\\n• `search-rerank`/,
    );
    expect(serviceText).toContain('*:rewind: Rolled back* (1)\\n• `search-rerank`');
    expect(serviceText).toContain('Nothing of service payments is waiting to start.');
    expect(serviceText).toContain(
      `*:rotating_light: Open pages* (${pagesOf('pay-checkout').length + pagesOf('search-rerank').length})`,
    );
    expect(serviceText).toContain('*:moneybag: Error budgets*\\n• `payments`: not measured yet');
    for (const other of ['pay-followup', 'search-waiting', '`search`', '`checkout`'])
      expect(serviceText).not.toContain(other);

    // The whole fleet's digest, as before: both teams, every budget.
    const fleetText = textOf(digestIn(rig.stub.calls, 'C0FLEET'));
    expect(fleetText).toContain(':newspaper: *Runway digest* for <!date^');
    expect(fleetText).toContain('0 running · 1 paused · 2 queued');
    expect(fleetText).toContain('*:rocket: Started* (2)');
    expect(fleetText).toContain('*:hourglass: Waiting* (2)');
    for (const key of ['pay-checkout', 'pay-followup', 'search-rerank', 'search-waiting'])
      expect(fleetText).toContain(`\`${key}\``);
    for (const service of ['payments', 'search', 'checkout'])
      expect(fleetText).toContain(`\`${service}\`: not measured yet`);
    expect(fleetText).toContain(`*:rotating_light: Open pages* (${openPages.length})`);

    // Exactly one digest per slot and schedule, from a restarted delivery engine too.
    expect(await rig.newDelivery().postDueDigests()).toBe(0);
    expect(
      rig.stub.calls.filter((call) => metadataOf(call)?.event_type === 'runway_digest'),
    ).toHaveLength(3);
  });

  it("keeps a team's changes when other teams' changes in the period fill more than a digest reads", async () => {
    rig = await startDeliveryRig();
    const { runway } = rig.server;
    runway.digests.schedule(
      {
        channel: 'C0PAYMENTS',
        cron: '0 10 * * *',
        timeZone: 'UTC',
        scope: { kind: 'team', name: 'payments' },
      },
      ALICE,
    );
    runway.digests.schedule({ channel: 'C0FLEET', cron: '0 10 * * *', timeZone: 'UTC' }, ALICE);
    await rig.server.client(rig.server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('pay-early', { team: 'payments' })],
    });
    runway.scheduler.tick();
    expect(runway.experimentStore.get('pay-early')?.state).toBe('running');
    // After it, 600 starts of other teams' experiments in the same period: more than the 500 a
    // digest section reads, all newer than the team's one.
    const audit = new AuditStore(runway.db);
    runway.db.transaction(() => {
      for (let i = 0; i < 600; i++)
        audit.append({
          at: START_MS + 60_000 + i,
          actor: 'runway:scheduler',
          action: 'experiment.start',
          experimentKey: `fleet-busy-${i}`,
          details: { stage: 1, exposurePercent: 10 },
        });
    })();

    rig.clock.set(SLOT_MS);
    expect(await rig.delivery.postDueDigests()).toBe(2);
    const teamText = textOf(digestIn(rig.stub.calls, 'C0PAYMENTS'));
    expect(teamText).toContain(
      '*:rocket: Started* (1)\\n• `pay-early`: stage 1 at 10% (runway:scheduler',
    );
    expect(teamText).not.toContain('fleet-busy');
    // The fleet's digest reads the newest 500, as it always has.
    const fleetText = textOf(digestIn(rig.stub.calls, 'C0FLEET'));
    expect(fleetText).toContain('*:rocket: Started* (500)');
    expect(fleetText).not.toContain('pay-early');
  });

  it('stores, lists and audits the scope; refuses a malformed one; accepts a team with no experiments yet', async () => {
    rig = await startDeliveryRig();
    const alice = rig.server.client(rig.server.tokens.alice);
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('ledger-sync', { team: 'ledger' })],
    });
    const team = await alice.digests.schedule.mutate({
      channel: 'C0LEDGER',
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Berlin',
      scope: { kind: 'team', name: ' ledger ' },
    });
    expect(team).toMatchObject({ scope: { kind: 'team', name: 'ledger' }, experimentsInScope: 1 });
    const nobody = await alice.digests.schedule.mutate({
      channel: 'C0NEWTEAM',
      cron: '0 9 * * *',
      timeZone: 'UTC',
      scope: { kind: 'service', name: 'not-built-yet' },
    });
    expect(nobody).toMatchObject({
      scope: { kind: 'service', name: 'not-built-yet' },
      experimentsInScope: 0,
    });
    const fleet = await alice.digests.schedule.mutate({
      channel: 'C0FLEET',
      cron: '0 9 * * *',
      timeZone: 'UTC',
      scope: null,
    });
    expect(fleet).toMatchObject({ scope: null, experimentsInScope: null });
    expect((await alice.digests.list.query()).map((entry) => [entry.channel, entry.scope])).toEqual(
      [
        ['C0LEDGER', { kind: 'team', name: 'ledger' }],
        ['C0NEWTEAM', { kind: 'service', name: 'not-built-yet' }],
        ['C0FLEET', null],
      ],
    );

    for (const scope of [
      { kind: 'squad', name: 'ledger' },
      { kind: 'team', name: '  ' },
    ]) {
      const refused = await expectClientError(
        alice.digests.schedule.mutate({
          channel: 'C0LEDGER',
          cron: '0 8 * * *',
          timeZone: 'UTC',
          scope: scope as { kind: 'team'; name: string },
        }),
      );
      expect(refused.code, JSON.stringify(scope)).toBe('BAD_REQUEST');
      expect(refused.message).toContain('scope');
    }
    expect(
      (await alice.digests.list.query()).find((entry) => entry.channel === 'C0LEDGER'),
    ).toMatchObject({
      cron: '0 9 * * 1-5',
    });

    const audit = rig.server.runway.audit
      .list({ action: 'digest.schedule', limit: 10 })
      .map((entry) => [entry.details['channel'], entry.details['scope']]);
    expect(audit).toEqual([
      ['C0FLEET', null],
      ['C0NEWTEAM', { kind: 'service', name: 'not-built-yet' }],
      ['C0LEDGER', { kind: 'team', name: 'ledger' }],
    ]);
    await alice.digests.unschedule.mutate({ channel: 'C0LEDGER' });
    expect(
      rig.server.runway.audit.list({ action: 'digest.unschedule', limit: 1 })[0]?.details,
    ).toMatchObject({ channel: 'C0LEDGER', scope: { kind: 'team', name: 'ledger' } });
  });
});

describe('migration 12', () => {
  it('keeps schedules stored before it as whole-fleet digests, and slots already posted', async () => {
    const stub = await startSlackApiStub();
    cleanups.push(() => stub.close());
    const dir = mkdtempSync(join(tmpdir(), 'runway-digest-12-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'runway.db');

    // A database as the server left it before migration 12: one live schedule with a posted
    // slot, one removed.
    const before = new Database(dbPath);
    before.pragma('journal_mode = WAL');
    before.pragma('foreign_keys = ON');
    applyMigrations(
      before,
      MIGRATIONS.filter((migration) => migration.version < 12),
    );
    const insert = before.prepare(
      `INSERT INTO digest_schedules (id, channel, cron, time_zone, created_by, created_at, removed_at, removed_by)
      VALUES (?, ?, ?, ?, 'alice', ?, ?, ?)`,
    );
    insert.run(3, 'C0OLD', '0 9 * * *', 'UTC', START_MS - 86_400_000, START_MS - 1, 'alice');
    insert.run(4, 'C0FLEET', '0 10 * * *', 'UTC', START_MS - 86_400_000, null, null);
    before
      .prepare(
        `INSERT INTO digest_slots (schedule_id, slot_at, covers_since, claimed_at, channel, ts, posted_at)
        VALUES (4, ?, ?, ?, 'C0FLEET', '1.1', ?)`,
      )
      .run(SLOT_MS - 86_400_000, START_MS - 86_400_000, SLOT_MS - 86_400_000, SLOT_MS - 86_400_000);
    expect(applyMigrations(before, MIGRATIONS)).toEqual([12]);
    const store = new DigestStore(before);
    expect(store.active()).toEqual([
      expect.objectContaining({ id: 4, channel: 'C0FLEET', cron: '0 10 * * *', scope: null }),
    ]);
    expect(store.get(3)).toMatchObject({
      channel: 'C0OLD',
      scope: null,
      removedAtMs: START_MS - 1,
    });
    // A scope is both columns or neither, of a known kind.
    const scoped = before.prepare(
      `INSERT INTO digest_schedules (channel, cron, time_zone, scope_kind, scope_name, created_by, created_at)
      VALUES ('C0NEW', '0 9 * * *', 'UTC', ?, ?, 'alice', 1)`,
    );
    expect(() => scoped.run('team', null)).toThrow(/CHECK constraint/);
    expect(() => scoped.run(null, 'payments')).toThrow(/CHECK constraint/);
    expect(() => scoped.run('squad', 'payments')).toThrow(/CHECK constraint/);
    expect(() => scoped.run('team', '')).toThrow(/CHECK constraint/);
    expect(() => before.prepare('DELETE FROM digest_schedules WHERE id = 4').run()).toThrow(
      /FOREIGN KEY/,
    );
    before.close();

    // The server opens it (migrations already applied: nothing changes) and posts the old
    // schedule's next slot as a whole-fleet digest, after the slot it had posted.
    const clock = new ManualClock(START_MS);
    const server: RunningServer = await startServer(loadServerConfig({}, { port: 0, dbPath }), {
      log: () => {},
      schedulerLoop: false,
      guardrailLoop: false,
      clock,
    });
    cleanups.push(() => server.close());
    expect(server.runway.digests.list(VIEWER)).toEqual([
      expect.objectContaining({
        channel: 'C0FLEET',
        scope: null,
        experimentsInScope: null,
        nextRunAtMs: SLOT_MS,
      }),
    ]);
    clock.set(SLOT_MS);
    const delivery = createSlackDelivery({
      runway: server.runway,
      slack: { botToken: 'xoxb-test', apiUrl: stub.apiUrl },
      consoleBaseUrl: CONSOLE_URL,
      clock,
      log: () => {},
    });
    expect(await delivery.postDueDigests()).toBe(1);
    const [posted] = stub.calls.filter((call) => metadataOf(call)?.event_type === 'runway_digest');
    expect(posted?.args['channel']).toBe('C0FLEET');
    expect(textOf(posted!)).toContain(':newspaper: *Runway digest* for <!date^');
    expect(
      server.runway.db
        .prepare('SELECT covers_since FROM digest_slots WHERE schedule_id = 4 AND slot_at = ?')
        .pluck()
        .get(SLOT_MS),
    ).toBe(SLOT_MS - 86_400_000);
  });
});
