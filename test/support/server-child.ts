// Entry for a Runway server run as a child process (crash tests):
//   node --import tsx test/support/server-child.ts DB_PATH
// Prints one JSON line {"url", "adminToken"} on stdout once listening; everything else goes to
// stderr. SIGTERM closes it cleanly; SIGKILL is the crash under test.
import { loadServerConfig } from '../../server/src/config/config';
import { startServer } from '../../server/src/serve';

const dbPath = process.argv[2];
if (!dbPath) {
  process.stderr.write('usage: server-child.ts DB_PATH\n');
  process.exit(2);
}

const config = loadServerConfig(process.env, { port: 0, dbPath });
const running = await startServer(config, { log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify({ url: running.url, adminToken: running.adminToken })}\n`);

const shutdown = (): void => {
  void running.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
