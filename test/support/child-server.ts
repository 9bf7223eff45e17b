import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  url: string;
  adminToken: string;
  child: ChildProcess;
  /** Resolves when the process has exited, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote on stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/** The environment a child server gets: this one without any RUNWAY_* or SLACK_* setting. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RUNWAY_') && !name.startsWith('SLACK_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Starts the real server as a child process on `dbPath` and waits (up to `timeoutMs`) for the
 * JSON line it prints once listening.
 */
export function spawnServer(
  dbPath: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ChildServer> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, dbPath], {
    cwd: REPO_ROOT,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return new Promise<ChildServer>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `server child did not report listening within ${timeoutMs} ms; stderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onEarlyExit);
      try {
        const { url, adminToken } = JSON.parse(stdout.slice(0, newline)) as {
          url: string;
          adminToken: string;
        };
        resolve({
          url,
          adminToken,
          child,
          exited,
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      } catch (error) {
        child.kill('SIGKILL');
        reject(
          new Error(
            `server child printed an unexpected first line: ${stdout.slice(0, newline)} (${String(error)})`,
          ),
        );
      }
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(
        new Error(
          `server child exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}`,
        ),
      );
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.once('exit', onEarlyExit);
  });
}
