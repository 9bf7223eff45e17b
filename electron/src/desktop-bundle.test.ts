// The files Electron actually runs: main.cjs and preload.cjs as build-desktop-shell.ts bundles
// them, loaded here with `require('electron')` answered by the fake. Catches what unit tests of
// the sources cannot: a bundle that does not load as CommonJS, a preload that requires more
// than a sandbox allows, a preload path that points nowhere.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import Module, { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopBridgeMethodNames } from '../../shared/src/desktop-bridge';
import { buildDesktopShell } from '../build-desktop-shell';
import { createFakeElectron, settle } from './testing/fake-electron';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };

let outDir: string;
let appData: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'runway-bundle-'));
  appData = mkdtempSync(join(tmpdir(), 'runway-bundle-data-'));
  await buildDesktopShell({ outDir });
}, 60_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(appData, { recursive: true, force: true });
});

/** Requires a bundle with `electron` resolving to `electron`, and only the modules in `allowed`. */
function requireWith(
  file: string,
  electron: unknown,
  allowed: (request: string) => boolean,
): string[] {
  const original = moduleInternals._load;
  const requested: string[] = [];
  moduleInternals._load = function (request, parent, isMain) {
    if (request === file) return original.call(this, request, parent, isMain);
    requested.push(request);
    if (request === 'electron') return electron;
    if (!allowed(request)) throw new Error(`the bundle required ${request}`);
    return original.call(this, request, parent, isMain);
  };
  try {
    createRequire(import.meta.url)(file);
  } finally {
    moduleInternals._load = original;
  }
  return requested;
}

describe('the bundled desktop shell', () => {
  it('main.cjs starts against Electron: one window on the handed-over server, with the bundled preload', async () => {
    const fake = createFakeElectron({ appDataDir: appData });
    const saved = { ...process.env };
    Object.assign(process.env, {
      RUNWAY_URL: 'http://127.0.0.1:7531',
      RUNWAY_TOKEN: 'rwy_bundle',
      RUNWAY_DESKTOP_PROFILE: join(appData, 'profile'),
    });
    try {
      // Main may use Node's own modules; nothing from node_modules is left outside the bundle.
      const requested = requireWith(join(outDir, 'main.cjs'), fake.electron, (request) =>
        builtinModules.includes(request.replace(/^node:/, '')),
      );
      expect(requested).toContain('electron');
      await settle();
    } finally {
      process.env = saved;
    }
    expect(fake.windows).toHaveLength(1);
    const [window] = fake.windows;
    expect(window!.loaded).toEqual(['http://127.0.0.1:7531/#token=rwy_bundle']);
    expect(window!.options.webPreferences.preload).toBe(join(outDir, 'preload.cjs'));
    expect(existsSync(window!.options.webPreferences.preload)).toBe(true);
  });

  it('preload.cjs needs nothing but electron (a sandbox allows no more) and exposes the bridge', () => {
    const exposed: Array<{ key: string; api: Record<string, unknown> }> = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, unknown>) =>
          exposed.push({ key, api }),
      },
      ipcRenderer: { invoke: async () => null, on: () => {}, removeListener: () => {} },
    };
    const requested = requireWith(join(outDir, 'preload.cjs'), electron, () => false);
    expect(requested).toEqual(['electron']);
    expect(exposed).toHaveLength(1);
    expect(exposed[0]!.key).toBe('runwayDesktop');
    expect(Object.keys(exposed[0]!.api).sort()).toEqual(desktopBridgeMethodNames().sort());
  });
});
