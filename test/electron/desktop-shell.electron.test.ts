import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDesktopShell, DESKTOP_MAIN_SCRIPT } from '../../electron/build-desktop-shell';
import { findElectronBinary } from '../../electron/src/launcher/find-electron-binary';
import { desktopBridgeMethodNames } from '../../shared/src/desktop-bridge';
import { startConsoleServer } from '../e2e/support/console-server';
import type { TestServer } from '../support/harness';

// The desktop shell in a real Electron, driven by Playwright, against the real server and the
// built console. Electron's binary cannot be downloaded on every machine (TESTING.md): where
// none is found, this file runs one test that records why, instead of skipping silently.

const binary = findElectronBinary();

if (!binary.found) {
  describe('the desktop shell in Electron', () => {
    it(`is not driven on this machine: no Electron binary (${binary.reason})`, () => {
      console.info(
        `no Electron binary: ${binary.reason}. To drive the shell here, ${binary.howToGet}.`,
      );
      expect(binary.found).toBe(false);
      expect(binary.reason).not.toBe('');
    });
  });
} else {
  const electronPath = binary.path;
  /** Chromium refuses its sandbox as root (containers, CI). */
  const flags = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];

  describe('the desktop shell in Electron', () => {
    let server: TestServer;
    let profile: string;
    let app: ElectronApplication;
    let page: Page;

    beforeAll(async () => {
      if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        throw new Error(
          `Electron was found at ${electronPath} (${binary.from}), but there is no display to open its window on: set DISPLAY, or run the tests under xvfb-run`,
        );
      }
      [server] = await Promise.all([startConsoleServer(), buildDesktopShell({ ifStale: true })]);
      profile = mkdtempSync(join(tmpdir(), 'runway-electron-profile-'));
      app = await _electron.launch({
        executablePath: electronPath,
        args: [...flags, DESKTOP_MAIN_SCRIPT],
        env: {
          ...process.env,
          RUNWAY_URL: server.url,
          RUNWAY_TOKEN: server.tokens.vic,
          // Its own settings, window state and single-instance lock; no system link handler.
          RUNWAY_DESKTOP_PROFILE: profile,
        },
      });
      page = await app.firstWindow();
    }, 240_000);

    afterAll(async () => {
      await app?.close();
      await server?.stop();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('loads the console from the server, signed in by the handed-over token', async () => {
      await page.getByTestId('current-user').waitFor();
      expect(await page.getByTestId('current-user').textContent()).toContain('vic');
      // The console took the token from the fragment and cleared it.
      await page.waitForFunction("!window.location.hash.includes('token')");
      expect(page.url()).toBe(`${server.url}/`);
    });

    it('gives the page exactly the desktop bridge, and no Node', async () => {
      expect(await page.evaluate('Object.keys(window.runwayDesktop).sort().join()')).toBe(
        desktopBridgeMethodNames().sort().join(),
      );
      expect(await page.evaluate('typeof require + typeof process')).toBe('undefinedundefined');
      expect(await page.evaluate('window.runwayDesktop.getSettings()')).toEqual({
        serverUrl: server.url,
        hasToken: true,
        source: 'launcher',
        localServerUrl: server.url,
      });
    });

    it('routes a runway:// link from a second launch into this window', async () => {
      const second = spawn(
        electronPath,
        [...flags, DESKTOP_MAIN_SCRIPT, 'runway://experiment/checkout-v2'],
        {
          env: { ...process.env, RUNWAY_DESKTOP_PROFILE: profile },
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => second.once('exit', resolve));
      await page.waitForURL(`${server.url}/experiments/checkout-v2`, { timeout: 30_000 });
      await exited;
    });
  });
}
