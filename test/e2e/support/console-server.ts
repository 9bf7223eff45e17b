import { buildConsole, CONSOLE_DIST_DIR } from '../../../renderer/build-console';
import type { Clock } from '../../../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from '../../support/harness';

/**
 * The real server with the console built from the current sources (built once, reused while
 * the sources do not change; concurrent test files wait for one build). A test that feeds
 * telemetry passes a clock it drives.
 */
export async function startConsoleServer(options: { clock?: Clock } = {}): Promise<TestServer> {
  await buildConsole({ ifStale: true });
  return startTestServer({ consoleDir: CONSOLE_DIST_DIR, ...options });
}

/** What the seeded queue holds, for assertions. */
export const SEEDED = {
  running: ['payments-api-v3', 'search-ranking', 'cart-redesign'],
  /** Waits for payments-api-v3, which is running but not completed. */
  blockedByPrerequisite: 'checkout-v2',
  /** Needs 50% of layer "search", where search-ranking holds 60%. */
  blockedByLayer: 'search-autocomplete',
  /** High risk: waits for a second person's approval. */
  pendingApproval: 'fraud-model-v5',
} as const;

/**
 * A small fleet through the API, as teams would enqueue it, and one scheduler tick: three
 * experiments start, two stay queued with clear reasons, one waits for approval.
 */
export async function seedQueue(server: TestServer): Promise<void> {
  const alice = server.client(server.tokens.alice);
  const three = [
    { percent: 10, hold: '1h' },
    { percent: 50, hold: '1h' },
    { percent: 100, hold: '1h' },
  ];
  await alice.experiments.enqueue.mutate({
    specs: [
      makeSpec('payments-api-v3', {
        title: 'Payments API v3: idempotent charges',
        owner: 'sofia@example.com',
        team: 'payments',
        service: 'payments-api',
        layer: 'payments-core',
        priority: 80,
        stages: three,
      }),
      makeSpec('checkout-v2', {
        title: 'New checkout flow',
        owner: 'alice@example.com',
        team: 'payments',
        service: 'checkout',
        layer: 'checkout-ui',
        priority: 70,
        requires: ['payments-api-v3'],
        stages: three,
      }),
      makeSpec('search-ranking', {
        title: 'Learning-to-rank search results',
        owner: 'tom@example.com',
        team: 'discovery',
        service: 'search',
        layer: 'search',
        priority: 75,
        stages: [
          { percent: 60, hold: '1h' },
          { percent: 80, hold: '1h' },
        ],
      }),
      makeSpec('search-autocomplete', {
        title: 'Autocomplete suggestions v2',
        owner: 'tom@example.com',
        team: 'discovery',
        service: 'search',
        layer: 'search',
        priority: 40,
        stages: [
          { percent: 50, hold: '1h' },
          { percent: 100, hold: '1h' },
        ],
      }),
      makeSpec('cart-redesign', {
        title: 'Cart redesign',
        owner: 'maya@example.com',
        team: 'growth',
        service: 'checkout',
        layer: 'cart',
        priority: 30,
        stages: three,
      }),
      makeSpec('fraud-model-v5', {
        title: 'Fraud model v5',
        owner: 'sofia@example.com',
        team: 'risk',
        service: 'payments-api',
        layer: 'fraud',
        priority: 60,
        risk: 'high',
        stages: three,
      }),
    ],
  });
  await server.client(server.tokens.bob).scheduler.tick.mutate();
}

/**
 * A shipped change and what was built on it, for rollback cascades. Under DESIGN §4 a
 * prerequisite must be completed before a dependent starts, so the experiment whose rollback
 * takes running dependents down is a completed one:
 *
 *   ledger-v2 (completed) ── invoices-v2 (completed) ── receipts-v2 (running)
 *                         └─ refunds-v2 (running) ──── statements-v2 (queued: waits for refunds-v2)
 */
export const CASCADE = {
  /** Completed; everything below requires it, directly or through another. */
  target: 'ledger-v2',
  /** What rolling back the target takes down, in the server's order (dependents first). */
  takenDown: ['receipts-v2', 'invoices-v2', 'refunds-v2', 'ledger-v2'],
  /** Requires refunds-v2 but never started: not live, so a rollback leaves it queued. */
  spared: 'statements-v2',
  states: {
    'ledger-v2': 'completed',
    'invoices-v2': 'completed',
    'receipts-v2': 'running',
    'refunds-v2': 'running',
    'statements-v2': 'queued',
  },
} as const;

/**
 * Enqueues the CASCADE fleet and brings it to its states the way people would: the scheduler
 * starts what it may, a release manager completes ledger-v2 and invoices-v2 early (a manual
 * advance past the hold), and the dependents start on those completions.
 */
export async function seedCascade(server: TestServer): Promise<void> {
  const alice = server.client(server.tokens.alice);
  const bob = server.client(server.tokens.bob);
  const oneStage = [{ percent: 100, hold: '1h' }];
  const three = [
    { percent: 10, hold: '1h' },
    { percent: 50, hold: '1h' },
    { percent: 100, hold: '1h' },
  ];
  const payments = { team: 'payments', owner: 'sofia@example.com', service: 'payments-api' };
  await alice.experiments.enqueue.mutate({
    specs: [
      makeSpec('ledger-v2', {
        ...payments,
        title: 'Double-entry ledger v2',
        layer: 'ledger',
        priority: 90,
        stages: oneStage,
      }),
      makeSpec('invoices-v2', {
        ...payments,
        title: 'Invoices on the new ledger',
        layer: 'invoices',
        requires: ['ledger-v2'],
        stages: oneStage,
      }),
      makeSpec('receipts-v2', {
        ...payments,
        title: 'Receipts from ledger invoices',
        layer: 'receipts',
        requires: ['invoices-v2'],
        stages: three,
      }),
      makeSpec('refunds-v2', {
        ...payments,
        title: 'Refunds through the ledger',
        layer: 'refunds',
        requires: ['ledger-v2'],
        stages: three,
      }),
      makeSpec('statements-v2', {
        ...payments,
        title: 'Monthly statements v2',
        layer: 'statements',
        requires: ['refunds-v2'],
        stages: three,
      }),
    ],
  });
  const complete = async (key: string): Promise<void> => {
    const { version } = await bob.experiments.get.query({ key });
    await bob.experiments.advance.mutate({
      key,
      expectedVersion: version,
      reason: 'bake looked clean; completing early',
    });
  };
  await bob.scheduler.tick.mutate();
  await complete('ledger-v2');
  await bob.scheduler.tick.mutate();
  await complete('invoices-v2');
  await bob.scheduler.tick.mutate();
  for (const [key, state] of Object.entries(CASCADE.states)) {
    const seeded = await alice.experiments.get.query({ key });
    if (seeded.state !== state)
      throw new Error(`seeding the cascade: ${key} is ${seeded.state}, expected ${state}`);
  }
}

/** A running experiment guarded on the default error_rate SLI, for the live charts. */
export const GUARDED = {
  key: 'checkout-latency-v2',
  service: 'checkout',
  sli: 'error_rate',
} as const;

/** Enqueues GUARDED and starts it with a scheduler tick (at the server clock's now). */
export async function seedGuarded(server: TestServer): Promise<void> {
  await server.client(server.tokens.alice).experiments.enqueue.mutate({
    specs: [
      makeSpec(GUARDED.key, {
        title: 'Checkout latency work, v2',
        owner: 'maya@example.com',
        team: 'growth',
        service: GUARDED.service,
        layer: 'checkout-latency',
        guardrails: [{ sli: GUARDED.sli, max: 0.05, window: '5m', action: 'pause' }],
        stages: [
          { percent: 20, hold: '1h' },
          { percent: 100, hold: '1h' },
        ],
      }),
    ],
  });
  const { changed } = await server.client(server.tokens.bob).scheduler.tick.mutate();
  if (!changed.some((entry) => entry.key === GUARDED.key && entry.toState === 'running'))
    throw new Error(`seeding: ${GUARDED.key} did not start (${JSON.stringify(changed)})`);
}
