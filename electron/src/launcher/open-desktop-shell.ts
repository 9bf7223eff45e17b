// `npm start` opens the console in the desktop window where an Electron binary is available, and
// otherwise says in one line why not and how to get one: a missing Electron never fails the
// start, the console URL printed beside it works in any browser.
import { spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { buildDesktopShell, DESKTOP_MAIN_SCRIPT } from '../../build-desktop-shell';
import { findElectronBinary, type ElectronBinary } from './find-electron-binary';

export interface DesktopShellLaunch {
  opened: boolean;
  /** What happened, for the start-up text, beside the console URL. */
  summary: string;
  /** Closes the window with the server (Ctrl-C already reaches it through the terminal). */
  stop(): void;
}

export interface OpenDesktopShellOptions {
  serverUrl: string;
  token: string;
  env: NodeJS.ProcessEnv;
  /** Later news: the window closed, or the shell failed after starting. */
  log(line: string): void;
  platform?: NodeJS.Platform;
  /** The user id (root needs Chromium's --no-sandbox). */
  uid?: number;
  find?: (env: NodeJS.ProcessEnv) => ElectronBinary;
  build?: () => Promise<unknown>;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

/** The most of the shell's stderr kept, to explain a failure. */
const STDERR_TAIL_CHARS = 2_000;

const notOpened = (summary: string): DesktopShellLaunch => ({
  opened: false,
  summary,
  stop: () => {},
});

/**
 * The shell's environment: the server and token to connect to (in the environment, not in
 * argv, so the token does not show in `ps`), without ELECTRON_RUN_AS_NODE, which would make
 * the binary behave as plain Node.
 */
export function desktopShellEnv(
  env: NodeJS.ProcessEnv,
  serverUrl: string,
  token: string,
): NodeJS.ProcessEnv {
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...rest } = env;
  return { ...rest, RUNWAY_URL: serverUrl, RUNWAY_TOKEN: token };
}

export async function openDesktopShell(
  options: OpenDesktopShellOptions,
): Promise<DesktopShellLaunch> {
  const platform = options.platform ?? process.platform;
  const binary = (options.find ?? findElectronBinary)(options.env);
  if (!binary.found) {
    return notOpened(
      `unavailable, no Electron binary: ${binary.reason}. To get it, ${binary.howToGet}`,
    );
  }
  if (platform === 'linux' && !options.env.DISPLAY && !options.env.WAYLAND_DISPLAY) {
    return notOpened(
      `unavailable: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); Electron found at ${binary.path}`,
    );
  }
  try {
    await (options.build ?? (() => buildDesktopShell({ ifStale: true })))();
  } catch (error) {
    return notOpened(`unavailable: building the desktop shell failed: ${(error as Error).message}`);
  }

  const uid = options.uid ?? process.getuid?.();
  // Chromium refuses to start as root with its sandbox; containers and CI often run as root.
  const flags = platform === 'linux' && uid === 0 ? ['--no-sandbox'] : [];
  let child: ChildProcess;
  try {
    child = (options.spawn ?? spawnProcess)(binary.path, [...flags, DESKTOP_MAIN_SCRIPT], {
      env: desktopShellEnv(options.env, options.serverUrl, options.token),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    return notOpened(`unavailable: cannot start ${binary.path}: ${(error as Error).message}`);
  }

  let stderrTail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let exited = false;
  child.once('error', (error) => {
    exited = true;
    options.log(`runway: the desktop window did not start (${binary.path}): ${error.message}`);
  });
  child.once('exit', (code, signal) => {
    exited = true;
    if (code === 0 || signal === 'SIGTERM' || signal === 'SIGINT') {
      options.log('runway: the desktop window closed; the server keeps running (Ctrl-C stops it)');
      return;
    }
    const tail = stderrTail.trim().split('\n').slice(-5).join('\n  ');
    options.log(
      `runway: the desktop window exited (${signal ?? `exit code ${code}`}); the console URL still works in a browser${tail ? `\n  ${tail}` : ''}`,
    );
  });

  return {
    opened: true,
    summary: `opening the Runway window (Electron from ${binary.from})`,
    stop: () => {
      if (!exited) child.kill('SIGTERM');
    },
  };
}
