import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import type { Role } from '../../shared/src/roles';
import type { Clock } from '../../server/src/clock';
import { loadServerConfig } from '../../server/src/config/config';
import type { AppRouter } from '../../server/src/http/app-router';
import { startServer, type RunningServer } from '../../server/src/serve';

export type RunwayClient = TRPCClient<AppRouter>;

export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  tokens: Record<'admin' | 'alice' | 'bob' | 'carol' | 'vic', string>;
  client(token: string | null): RunwayClient;
  stop(): Promise<void>;
}

/** A client the way the console and CLI build one: plain HTTP calls, SSE for subscriptions. */
export function makeClient(url: string, token: string | null): RunwayClient {
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          connectionParams: () => (token ? { token } : {}),
        }),
        false: httpLink({ url: `${url}/trpc`, headers }),
      }),
    ],
  });
}

/**
 * The real server on an ephemeral loopback port over a fresh SQLite file, with users:
 * alice (operator), bob and carol (release managers), vic (viewer), and the admin.
 */
export async function startTestServer(
  options: {
    clock?: Clock;
    schedulerLoop?: boolean;
    guardrailLoop?: boolean;
    /** Server environment, e.g. RUNWAY_PROMETHEUS_URL. */
    env?: NodeJS.ProcessEnv;
    /** The built console served at `/` (default renderer/dist). */
    consoleDir?: string;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-test-'));
  const dbPath = join(dir, 'runway.db');
  const config = loadServerConfig(options.env ?? {}, { port: 0, dbPath });
  const running = await startServer(config, {
    log: () => {},
    schedulerLoop: options.schedulerLoop ?? false,
    ...(options.guardrailLoop !== undefined ? { guardrailLoop: options.guardrailLoop } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  const adminActor = { userId: null, name: 'test-setup', role: 'admin' as Role };
  const make = (name: string, role: Role): string =>
    running.runway.auth.createToken({ name, role }, adminActor).token;
  const tokens = {
    admin: running.adminToken,
    alice: make('alice', 'operator'),
    bob: make('bob', 'release-manager'),
    carol: make('carol', 'release-manager'),
    vic: make('vic', 'viewer'),
  };
  return {
    ...running,
    dir,
    dbPath,
    tokens,
    client: (token) => makeClient(running.url, token),
    stop: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid spec; override any field. */
export function makeSpec(
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
    priority: 50,
    risk: 'low',
    stages: [
      { percent: 10, hold: '10m' },
      { percent: 50, hold: '10m' },
      { percent: 100, hold: '10m' },
    ],
    ...overrides,
  };
}
