import type { Clock } from '../../server/src/clock';
import { loadServerConfig } from '../../server/src/config/config';
import { startServer, type RunningServer } from '../../server/src/serve';
import { makeClient, type RunwayClient } from './harness';

export interface FileServer extends RunningServer {
  client(token: string | null): RunwayClient;
}

/**
 * The real server (in this process) on an existing database file, e.g. to restart on the file a
 * stopped test server left behind. Tokens issued before keep working: they live in the file.
 */
export async function startServerOnFile(
  dbPath: string,
  options: { clock?: Clock } = {},
): Promise<FileServer> {
  const running = await startServer(loadServerConfig({}, { port: 0, dbPath }), {
    log: () => {},
    schedulerLoop: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { ...running, client: (token) => makeClient(running.url, token) };
}
