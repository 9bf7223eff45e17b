// Test support: the real Runway server on a loopback port and a temporary SQLite file, with the
// console's own tRPC client pointed at it (the page's origin becomes the server's). The live
// stream is fed from the server's own change feed in this process: happy-dom has no EventSource,
// so only the SSE transport is skipped, never the changes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL as NodeURL } from 'node:url';
import type { Role } from '../../../../shared/src/roles';
import type { Actor } from '../../../../server/src/actor';
import { toAuditEntryView } from '../../../../server/src/audit/audit-service';
import type { Runway } from '../../../../server/src/runway';
import type * as ServeModule from '../../../../server/src/serve';
import type * as ConfigModule from '../../../../server/src/config/config';
import type { RunningServer } from '../../../../server/src/serve';
import type { RunwayClient } from '../../api/runway-client';
import { connectLiveChanges } from '../../app/live-changes';

export interface GraphTestServer {
  runway: Runway;
  url: string;
  tokens: Record<'alice' | 'vic', string>;
  /** alice operates, vic views, bob manages releases, as in the other suites. */
  actors: Record<'alice' | 'vic' | 'bob', Actor>;
  stop(): Promise<void>;
}

/**
 * The server is Node code: it is loaded by Node (through tsx), not by Vitest's browser-side
 * transform, which rewrites `new URL(…, import.meta.url)` for the page. Its modules resolve
 * paths when they load, so they load with Node's URL in place of the page's (happy-dom's
 * does not speak file: URLs).
 */
async function importServer(): Promise<typeof ServeModule & typeof ConfigModule> {
  const { tsImport } = await import('tsx/esm/api');
  const pageUrl = Object.getOwnPropertyDescriptor(globalThis, 'URL');
  Object.defineProperty(globalThis, 'URL', { value: NodeURL, configurable: true, writable: true });
  try {
    const [serve, config] = (await Promise.all([
      tsImport('../../../../server/src/serve.ts', import.meta.url),
      tsImport('../../../../server/src/config/config.ts', import.meta.url),
    ])) as [typeof ServeModule, typeof ConfigModule];
    return { ...serve, ...config };
  } finally {
    if (pageUrl) Object.defineProperty(globalThis, 'URL', pageUrl);
  }
}

export async function startGraphTestServer(): Promise<GraphTestServer> {
  const { startServer, loadServerConfig } = await importServer();
  const dir = mkdtempSync(join(tmpdir(), 'runway-graph-'));
  const running: RunningServer = await startServer(
    loadServerConfig({}, { port: 0, dbPath: join(dir, 'runway.db') }),
    { log: () => {}, schedulerLoop: false, schedulerWorker: false, guardrailLoop: false },
  );
  const { runway } = running;
  const admin: Actor = { userId: null, name: 'test-setup', role: 'admin' };
  const issue = (name: string, role: Role) => {
    const { token } = runway.auth.createToken({ name, role }, admin);
    return { token, actor: runway.auth.authenticate(token)! };
  };
  const alice = issue('alice', 'operator');
  const vic = issue('vic', 'viewer');
  const bob = issue('bob', 'release-manager');
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(running.url);
  return {
    runway,
    url: running.url,
    tokens: { alice: alice.token, vic: vic.token },
    actors: { alice: alice.actor, vic: vic.actor, bob: bob.actor },
    stop: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the console's live stream on the server's change feed; returns the function that stops it. */
export function feedLiveChanges(runway: Runway): () => void {
  const client = {
    queue: {
      changes: {
        subscribe(
          _input: unknown,
          handlers: { onStarted?(): void; onData?(event: { id: string; data: unknown }): void },
        ) {
          const unsubscribe = runway.feed.subscribe((rows) => {
            for (const row of rows)
              handlers.onData?.({ id: String(row.seq), data: toAuditEntryView(row) });
          });
          queueMicrotask(() => handlers.onStarted?.());
          return { unsubscribe };
        },
      },
    },
  } as unknown as RunwayClient;
  return connectLiveChanges(client, { onUnauthorized: () => {} });
}

export function spec(
  key: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [
      { percent: 10, hold: '1h' },
      { percent: 100, hold: '1h' },
    ],
    ...overrides,
  };
}

/**
 * A small fleet in every relation and most states:
 *
 *     pay-api (completed) <─requires─ checkout-v2 (running) <─requires─ checkout-upsell (queued)
 *     checkout-copy (queued) ─excludes─ checkout-v2
 *     cart-redesign (running) <─after─ cart-banner (queued)
 *     search-rank (running; service search, team discovery)
 *
 * Rolling back pay-api takes down checkout-v2 (live) but not checkout-upsell (queued).
 */
export function seedSmallFleet(server: GraphTestServer): void {
  const { runway, actors } = server;
  const guardrails = [{ sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' }];
  runway.experiments.enqueue(
    {
      specs: [
        spec('pay-api', { stages: [{ percent: 100, hold: '1h' }] }),
        spec('checkout-v2', { requires: ['pay-api'], guardrails }),
        spec('cart-redesign', { team: 'growth', service: 'cart' }),
        spec('search-rank', { team: 'discovery', service: 'search', layer: 'ranking' }),
      ],
    },
    actors.alice,
  );
  runway.scheduler.tick();
  const payApi = runway.experiments.get('pay-api', actors.alice);
  runway.experiments.advance('pay-api', payApi.version, 'done', actors.bob);
  runway.scheduler.tick();
  runway.experiments.enqueue(
    {
      specs: [
        spec('checkout-upsell', { requires: ['checkout-v2'] }),
        spec('checkout-copy', { excludes: ['checkout-v2'], team: 'growth' }),
        spec('cart-banner', { after: ['cart-redesign'], team: 'growth', service: 'cart' }),
      ],
    },
    actors.alice,
  );
  runway.scheduler.tick();
}
