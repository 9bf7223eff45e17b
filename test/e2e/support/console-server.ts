import { buildConsole, CONSOLE_DIST_DIR } from '../../../renderer/build-console';
import { makeSpec, startTestServer, type TestServer } from '../../support/harness';

/**
 * The real server with the console built from the current sources (built once, reused while
 * the sources do not change; concurrent test files wait for one build).
 */
export async function startConsoleServer(): Promise<TestServer> {
  await buildConsole({ ifStale: true });
  return startTestServer({ consoleDir: CONSOLE_DIST_DIR });
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
