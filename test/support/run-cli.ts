import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/runway.mjs', import.meta.url));

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/runway.mjs ...args` against a server, as a CI job would (times out after `timeoutMs`). */
export function runCli(
  args: readonly string[],
  env: { url: string; token: string },
  timeoutMs = 30_000,
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RUNWAY_') && !name.startsWith('SLACK_')) childEnv[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: REPO_ROOT,
        env: { ...childEnv, RUNWAY_URL: env.url, RUNWAY_TOKEN: env.token, NO_COLOR: '1' },
        timeout: timeoutMs,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            new Error(
              `runway ${args.join(' ')} did not run to an exit code: ${error.message}\n${stderr}`,
            ),
          );
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
