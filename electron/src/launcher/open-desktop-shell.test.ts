import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_MAIN_SCRIPT } from '../../build-desktop-shell';
import {
  desktopShellEnv,
  openDesktopShell,
  type OpenDesktopShellOptions,
} from './open-desktop-shell';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-launch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the Electron binary: records its arguments and environment, then exits. */
function fakeElectron(exitCode = 0): string {
  const path = join(dir, 'electron');
  writeFileSync(
    path,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/argv"
printf '%s\\n' "url=$RUNWAY_URL" "token=$RUNWAY_TOKEN" "runAsNode=$ELECTRON_RUN_AS_NODE" > "${dir}/env"
echo "[1:ERROR] cannot open display" >&2
exit ${exitCode}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function launch(overrides: Partial<OpenDesktopShellOptions> = {}) {
  const lines: string[] = [];
  let announce: () => void = () => {};
  const exited = new Promise<void>((resolve) => (announce = resolve));
  const result = openDesktopShell({
    serverUrl: 'http://127.0.0.1:7531',
    token: 'rwy_secret_admin',
    env: { PATH: process.env.PATH, DISPLAY: ':0', ELECTRON_RUN_AS_NODE: '1' },
    log: (line) => {
      lines.push(line);
      announce();
    },
    platform: 'linux',
    uid: 1000,
    build: async () => {},
    ...overrides,
  });
  return { result, lines, exited };
}

describe('opening the desktop window from npm start', () => {
  it('starts the binary on the built main script, with the server and token in its environment, not its argv', async () => {
    const binary = fakeElectron();
    const { result, lines, exited } = launch({
      env: {
        PATH: process.env.PATH,
        DISPLAY: ':0',
        RUNWAY_ELECTRON: binary,
        ELECTRON_RUN_AS_NODE: '1',
      },
    });
    const launched = await result;
    expect(launched).toMatchObject({
      opened: true,
      summary: 'opening the Runway window (Electron from RUNWAY_ELECTRON)',
    });
    await exited;
    expect(readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n')).toEqual([
      DESKTOP_MAIN_SCRIPT,
    ]);
    expect(readFileSync(join(dir, 'env'), 'utf8')).toBe(
      'url=http://127.0.0.1:7531\ntoken=rwy_secret_admin\nrunAsNode=\n',
    );
    expect(lines).toEqual([
      'runway: the desktop window closed; the server keeps running (Ctrl-C stops it)',
    ]);
  });

  it('adds --no-sandbox only for root on Linux, where Chromium refuses its sandbox', async () => {
    const binary = fakeElectron();
    const { result, exited } = launch({
      uid: 0,
      find: () => ({ found: true, path: binary, from: 'test' }),
    });
    await result;
    await exited;
    expect(readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n')).toEqual([
      '--no-sandbox',
      DESKTOP_MAIN_SCRIPT,
    ]);
  });

  it('reports a shell that dies, with the end of what it said, and leaves the server alone', async () => {
    const binary = fakeElectron(3);
    const { result, lines, exited } = launch({
      find: () => ({ found: true, path: binary, from: 'test' }),
    });
    expect((await result).opened).toBe(true);
    await exited;
    expect(lines[0]).toBe(
      'runway: the desktop window exited (exit code 3); the console URL still works in a browser\n  [1:ERROR] cannot open display',
    );
  });

  it('says in one line why there is no window, and how to get one, when no binary is found', async () => {
    const { result } = launch({
      find: () => ({
        found: false,
        reason:
          'ELECTRON_OVERRIDE_DIST_PATH / RUNWAY_ELECTRON unset, electron package not installed',
        howToGet: 'run `npm install electron@39.8.9`',
      }),
    });
    const launched = await result;
    expect(launched.opened).toBe(false);
    expect(launched.summary).toBe(
      'unavailable, no Electron binary: ELECTRON_OVERRIDE_DIST_PATH / RUNWAY_ELECTRON unset, electron package not installed. To get it, run `npm install electron@39.8.9`',
    );
    expect(launched.summary).not.toContain('\n');
    launched.stop();
  });

  it('does not try without a display, or when the shell does not build', async () => {
    const binary = fakeElectron();
    const found = () => ({ found: true as const, path: binary, from: 'test' });
    const headless = await launch({ find: found, env: { PATH: process.env.PATH } }).result;
    expect(headless).toMatchObject({ opened: false });
    expect(headless.summary).toContain('DISPLAY and WAYLAND_DISPLAY are unset');
    const broken = await launch({
      find: found,
      build: () => Promise.reject(new Error('Could not resolve "zod"')),
    }).result;
    expect(broken.summary).toBe(
      'unavailable: building the desktop shell failed: Could not resolve "zod"',
    );
  });

  it('never passes ELECTRON_RUN_AS_NODE on, which would turn Electron into plain Node', () => {
    expect(desktopShellEnv({ ELECTRON_RUN_AS_NODE: '1', HOME: '/h' }, 'http://x:1', 't')).toEqual({
      HOME: '/h',
      RUNWAY_URL: 'http://x:1',
      RUNWAY_TOKEN: 't',
    });
  });
});
