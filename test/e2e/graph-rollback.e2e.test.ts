import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../support/db-inspect';
import type { TestServer } from '../support/harness';
import { launchChromium } from './support/chromium';
import {
  captureView,
  closeClean,
  graphNode,
  navigateTo,
  openSignedIn,
  queueRow,
} from './support/console-page';
import {
  CASCADE,
  SEEDED,
  seedCascade,
  seedQueue,
  startConsoleServer,
} from './support/console-server';

// A release manager's incident in Debian's Chromium against the real server: the queue says why
// things wait; the graph previews a rollback's blast radius (exactly what the server's cascade
// takes down), the rollback is confirmed with a reason, and every view — graph, queue, the
// experiment's audit trail — and the database agree on what happened.

// Functions handed to evaluate run in the page; the test project has no DOM types, so this
// declares the one page global used (module-scoped, nothing global).
declare function getComputedStyle(element: unknown): {
  opacity: string;
  getPropertyValue(name: string): string;
};

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startConsoleServer()]);
  await seedQueue(server);
  await seedCascade(server);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const REASON = 'ledger double-posts refunds since 14:02 (INC-4411)';
const ALL_KEYS = [
  ...SEEDED.running,
  SEEDED.blockedByPrerequisite,
  SEEDED.blockedByLayer,
  SEEDED.pendingApproval,
  ...Object.keys(CASCADE.states),
];

/** Page-side: the keys of the rendered nodes that carry `className`, sorted. */
function nodesWithClass(page: Page, className: string): Promise<string[]> {
  return page
    .locator(`.react-flow__node.${className}`)
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id') ?? '').sort());
}

/** Page-side: a computed style property of an experiment node's box. */
function nodeStyle(page: Page, key: string, property: string): Promise<string> {
  return graphNode(page, key)
    .locator('.experiment-node')
    .evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);
}

const RUNNING_BLUE = 'rgb(29, 95, 209)'; // --state-running #1d5fd1
const COMPLETED_GREEN = 'rgb(23, 128, 61)'; // --state-completed #17803d
const ROLLED_BACK_RED = 'rgb(192, 38, 45)'; // --state-rolled_back #c0262d

describe('rolling back from the dependency graph', () => {
  it('shows in the queue why blocked experiments wait, in the server’s words', async () => {
    const tab = await openSignedIn(browser, server.url, server.tokens.alice);
    const { page } = tab;
    const vic = server.client(server.tokens.vic);
    for (const [key, expected] of [
      [CASCADE.spared, 'requires refunds-v2 (running, stage 1/3)'],
      [SEEDED.blockedByPrerequisite, 'requires payments-api-v3 (running, stage 1/3)'],
    ] as const) {
      const reasons = queueRow(page, key).getByTestId('blocked-reasons');
      await reasons.getByText(expected).waitFor();
      expect(await reasons.locator('li').allTextContents(), key).toEqual(
        (await vic.experiments.get.query({ key })).blockedReasons.map((reason) => reason.message),
      );
      expect(await queueRow(page, key).getAttribute('data-state')).toBe('queued');
    }
    await closeClean(tab);
  });

  it('previews exactly what the cascade takes down, rolls it back with a reason, and every view agrees', async () => {
    const vic = server.client(server.tokens.vic);
    const radius = await vic.experiments.blastRadius.query({ key: CASCADE.target });
    expect(radius.map((entry) => entry.key)).toEqual(CASCADE.takenDown);

    const tab = await openSignedIn(browser, server.url, server.tokens.alice, '/graph');
    const { page } = tab;
    await page.locator('[data-testid="graph-canvas"][aria-busy="false"]').waitFor();
    for (const [key, state] of Object.entries(CASCADE.states)) {
      const node = graphNode(page, key).locator('.experiment-node');
      expect(await node.getAttribute('data-state'), key).toBe(state);
      expect(await node.locator('.experiment-node__state').textContent(), key).toBe(state);
    }
    expect(await nodeStyle(page, 'refunds-v2', 'border-top-color')).toBe(RUNNING_BLUE);
    expect(await nodeStyle(page, CASCADE.target, 'border-top-color')).toBe(COMPLETED_GREEN);
    await captureView(page, 'graph-before-rollback');

    // Select the shipped change and ask to roll it back.
    await graphNode(page, CASCADE.target).click();
    const details = page.getByRole('complementary', { name: `Details of ${CASCADE.target}` });
    await details.waitFor();
    expect(await details.textContent()).toContain('completed');
    await details.getByRole('button', { name: 'Roll back…' }).click();

    // The dialog lists what the server says the cascade takes down, in its order.
    const dialog = page.getByRole('dialog', { name: `Roll back ${CASCADE.target}?` });
    const list = dialog.getByRole('list', { name: 'Blast radius' });
    await list.waitFor();
    const entries = list.locator('li');
    expect(
      await entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-key'))),
    ).toEqual(CASCADE.takenDown);
    for (const entry of radius) {
      const text = await list.locator(`li[data-key="${entry.key}"]`).textContent();
      expect(text, entry.key).toContain(entry.state);
      expect(text, entry.key).toContain(
        entry.via ? `requires ${entry.via}` : 'the experiment you chose',
      );
    }
    expect(await dialog.textContent()).toContain(
      `The cascade takes down ${CASCADE.takenDown.length} experiments`,
    );
    expect(await dialog.textContent()).not.toContain(CASCADE.spared);
    const confirm = dialog.getByRole('button', {
      name: `Roll back ${CASCADE.takenDown.length} experiments`,
    });
    expect(await confirm.isDisabled(), 'no reason given yet').toBe(true);

    // The graph highlights the same experiments, and only them: with the whole graph in view,
    // every node is rendered, so "only" covers every experiment.
    await page.locator('.graph-canvas--previewing').waitFor();
    await page.getByRole('button', { name: /fit view/i }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(ALL_KEYS.length);
    expect(await nodesWithClass(page, 'in-blast-radius')).toEqual([...CASCADE.takenDown].sort());
    expect(await nodesWithClass(page, 'blast-target')).toEqual([CASCADE.target]);
    for (const key of ALL_KEYS) {
      // What the eye sees: the radius at full strength, everything else faded.
      const opacity = await graphNode(page, key).evaluate((node) => getComputedStyle(node).opacity);
      expect(opacity, key).toBe(
        (CASCADE.takenDown as readonly string[]).includes(key) ? '1' : '0.3',
      );
    }
    const highlightedEdges = await page
      .locator('.react-flow__edge.in-blast-radius')
      .evaluateAll((edges) => edges.map((edge) => edge.getAttribute('aria-label')).sort());
    expect(highlightedEdges).toEqual([
      'invoices-v2 requires ledger-v2',
      'receipts-v2 requires invoices-v2',
      'refunds-v2 requires ledger-v2',
    ]);
    await captureView(page, 'graph-rollback-preview');

    // Confirm with a reason.
    await dialog.getByLabel('Reason (recorded in the audit log)').fill(REASON);
    await confirm.click();
    await page
      .getByRole('status')
      .getByText(
        `Rolled back ${CASCADE.takenDown.length} experiments (cascade from ${CASCADE.target}): ${CASCADE.takenDown.join(', ')}.`,
      )
      .waitFor();
    expect(await dialog.count()).toBe(0);

    // The graph: each node it took down turns red and says so; the spared one is unchanged.
    for (const key of CASCADE.takenDown) {
      await graphNode(page, key).locator('.experiment-node[data-state="rolled_back"]').waitFor();
      expect(await graphNode(page, key).locator('.experiment-node__state').textContent()).toBe(
        'rolled back',
      );
      expect(await nodeStyle(page, key, 'border-top-color'), key).toBe(ROLLED_BACK_RED);
    }
    expect(
      await graphNode(page, CASCADE.spared).locator('.experiment-node').getAttribute('data-state'),
    ).toBe('queued');
    expect(await page.locator('.graph-canvas--previewing').count()).toBe(0);
    await captureView(page, 'graph-after-rollback');

    // The server and the database agree.
    for (const key of CASCADE.takenDown) {
      const after = await vic.experiments.get.query({ key });
      expect(after.state, key).toBe('rolled_back');
      expect(after.exposurePercent, key).toBe(0);
    }
    expect((await vic.experiments.get.query({ key: CASCADE.spared })).state).toBe('queued');
    const rollbacks = await vic.audit.list.query({ action: 'experiment.rollback' });
    expect(
      rollbacks
        .map((entry) => [entry.experimentKey, entry.actor, entry.cause, entry.reason])
        .sort(),
    ).toEqual(
      CASCADE.takenDown
        .map((key) =>
          key === CASCADE.target
            ? [key, 'alice', null, REASON]
            : [key, 'alice', CASCADE.target, `cascade from ${CASCADE.target}: ${REASON}`],
        )
        .sort(),
    );
    // One transaction, dependents first: consecutive audit entries in the server's order.
    const bySeq = [...rollbacks].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((entry) => entry.experimentKey)).toEqual(CASCADE.takenDown);
    expect(bySeq.at(-1)!.seq - bySeq[0]!.seq).toBe(CASCADE.takenDown.length - 1);
    expect(await vic.audit.verify.query()).toMatchObject({ ok: true });
    const db = openReadOnly(server.dbPath);
    try {
      const rows = db
        .prepare(
          `SELECT key, state FROM experiments WHERE key IN (${ALL_KEYS.map(() => '?').join(',')}) ORDER BY key`,
        )
        .all(...ALL_KEYS) as Array<{ key: string; state: string }>;
      expect(rows.filter((row) => row.state === 'rolled_back').map((row) => row.key)).toEqual(
        [...CASCADE.takenDown].sort(),
      );
    } finally {
      db.close();
    }

    // The queue, reached without a reload, shows each of them rolled back.
    await navigateTo(page, 'Queue');
    for (const key of CASCADE.takenDown) {
      await page
        .locator(`[data-testid="queue-row"][data-key="${key}"][data-state="rolled_back"]`)
        .waitFor();
      expect(await queueRow(page, key).locator('.state-badge').textContent()).toBe('rolled back');
    }
    const sparedReasons = (await vic.experiments.get.query({ key: CASCADE.spared })).blockedReasons;
    await expect
      .poll(() =>
        queueRow(page, CASCADE.spared)
          .getByTestId('blocked-reasons')
          .locator('li')
          .allTextContents(),
      )
      .toEqual(sparedReasons.map((reason) => reason.message));
    expect(sparedReasons.map((reason) => reason.message).join(' ')).toContain('refunds-v2');

    // Each experiment's audit trail has its rollback: the dependents' name the cause and carry
    // the reason; the target's has the reason as given. The first is reached from the queue, as
    // a person would; the others by address.
    const fromQueue = 'refunds-v2' as const;
    await queueRow(page, fromQueue).getByRole('link', { name: fromQueue }).click();
    await page.waitForURL(`${server.url}/experiments/${fromQueue}`);
    for (const key of [fromQueue, ...CASCADE.takenDown.filter((key) => key !== fromQueue)]) {
      if (key !== fromQueue) await page.goto(`${server.url}/experiments/${key}`);
      const from = CASCADE.states[key].replace(/_/g, ' ');
      await expectAuditRow(
        page,
        key === CASCADE.target
          ? { action: `rollback (${from} → rolled back)`, reason: REASON }
          : {
              action: `rollback (${from} → rolled back) cascade from ${CASCADE.target}`,
              reason: `cascade from ${CASCADE.target}: ${REASON}`,
            },
      );
      if (key === fromQueue) {
        await page.getByRole('region', { name: 'Audit trail' }).scrollIntoViewIfNeeded();
        await captureView(page, 'experiment-audit-trail-cascade');
      }
    }

    // The audit log view, filtered to rollbacks: the four entries, newest (the target) first.
    await navigateTo(page, 'Audit log');
    const filters = page.getByRole('search', { name: 'Filter the audit log' });
    await filters.getByLabel('Action').fill('experiment.rollback');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(`${server.url}/audit?action=experiment.rollback`);
    const logRows = page.getByTestId('audit-table').getByTestId('audit-row');
    await expect.poll(() => logRows.count()).toBe(CASCADE.takenDown.length);
    const shown = await logRows.evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].slice(2).map((cell) => cell.textContent)),
    );
    expect(shown).toEqual(
      [...CASCADE.takenDown]
        .reverse()
        .map((key) => [
          'alice',
          'experiment.rollback',
          key,
          `${CASCADE.states[key]} → rolled back`,
          key === CASCADE.target
            ? REASON
            : `cascade from ${CASCADE.target}: ${REASON} (cascade from ${CASCADE.target})`,
        ]),
    );
    await page.getByRole('status').getByText('Hash chain intact').waitFor();
    await captureView(page, 'audit-view-rollbacks');
    await closeClean(tab);
  }, 120_000);
});

/** The experiment view's audit trail has a row by alice with this action and reason. */
async function expectAuditRow(
  page: Page,
  expected: { action: string; reason: string },
): Promise<void> {
  const trail = page.getByRole('region', { name: 'Audit trail' });
  const row = trail.getByRole('row').filter({ hasText: expected.reason });
  await row.first().waitFor();
  const cells = await row.first().getByRole('cell').allTextContents();
  // # | When | Who | Action | Reason
  expect(cells.slice(2)).toEqual(['alice', expected.action, expected.reason]);
  expect(await row.count()).toBe(1);
}
