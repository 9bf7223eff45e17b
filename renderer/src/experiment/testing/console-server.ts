import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { RunwayClient } from '../../api/runway-client';
import type { AppRouter } from '../../../../server/src/http/app-router';

// Test support for component tests in happy-dom: the real Runway server, run as a child process
// (happy-dom replaces URL, fetch and Request in the test's globals, which the server must not
// see), on a fresh database, with one token per role.

export interface ConsoleServer {
  url: string;
  tokens: { admin: string; alice: string; bob: string; vic: string };
  client(token: string): RunwayClient;
  stop(): Promise<void>;
}

export function clientFor(url: string, token: string): RunwayClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${url}/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) }),
    ],
  });
}

/**
 * Starts `test/support/server-child.ts` (paths from the repo root, where vitest runs) and makes
 * the test page's origin the server's.
 */
export async function startConsoleServer(timeoutMs = 30_000): Promise<ConsoleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-console-test-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RUNWAY_') && !name.startsWith('SLACK_')) env[name] = value;
  }
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(process.cwd(), 'test/support/server-child.ts'),
      join(dir, 'runway.db'),
    ],
    { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { url, adminToken } = await new Promise<{ url: string; adminToken: string }>(
    (resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not start within ${timeoutMs} ms:\n${stderr}`));
      }, timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const newline = stdout.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, newline)) as { url: string; adminToken: string });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening:\n${stderr}`));
      });
    },
  );
  // The console calls its own origin (and happy-dom refuses cross-origin calls without CORS):
  // the page is served by this server, as it is in a browser.
  (globalThis as { happyDOM?: { setURL(url: string): void } }).happyDOM?.setURL(url);
  const admin = clientFor(url, adminToken);
  const token = async (name: string, role: 'operator' | 'release-manager' | 'viewer') =>
    (await admin.auth.createToken.mutate({ name, role })).token;
  const tokens = {
    admin: adminToken,
    alice: await token('alice', 'operator'),
    bob: await token('bob', 'release-manager'),
    vic: await token('vic', 'viewer'),
  };
  return {
    url,
    tokens,
    client: (bearer) => clientFor(url, bearer),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
