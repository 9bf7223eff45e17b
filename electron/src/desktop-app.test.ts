import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_EVENT_CHANNELS, DESKTOP_INVOKE_CHANNELS } from '../../shared/src/desktop-bridge';
import { createDesktopApp, type DesktopDeps } from './desktop-app';
import { nodeDesktopFiles } from './desktop-files';
import { createFakeElectron, settle, type FakeElectron } from './testing/fake-electron';

const SERVER = 'http://127.0.0.1:7531';
const TOKEN = 'rwy_admin_token';
const NAVIGATE = DESKTOP_EVENT_CHANNELS.navigate.channel;

let appData: string;
let logged: string[];

beforeEach(() => {
  appData = mkdtempSync(join(tmpdir(), 'runway-desktop-'));
  logged = [];
});
afterEach(() => rmSync(appData, { recursive: true, force: true }));

function deps(overrides: Partial<DesktopDeps> = {}): DesktopDeps {
  return {
    env: { RUNWAY_URL: SERVER, RUNWAY_TOKEN: TOKEN },
    argv: ['/opt/electron/electron', '/repo/electron/dist/main.cjs'],
    platform: 'linux',
    defaultApp: true,
    execPath: '/opt/electron/electron',
    mainScript: '/repo/electron/dist/main.cjs',
    preloadPath: '/repo/electron/dist/preload.cjs',
    files: nodeDesktopFiles,
    log: (line) => logged.push(line),
    ...overrides,
  };
}

async function start(
  overrides: Partial<DesktopDeps> = {},
  fakeOptions: Partial<Parameters<typeof createFakeElectron>[0]> = {},
): Promise<FakeElectron> {
  const fake = createFakeElectron({ appDataDir: appData, ...fakeOptions });
  createDesktopApp(fake.electron, deps(overrides)).start();
  await settle();
  return fake;
}

describe('starting the desktop shell', () => {
  it('opens one locked-down window on the server npm start handed over, signed in by fragment', async () => {
    const fake = await start();
    expect(fake.windows).toHaveLength(1);
    const [window] = fake.windows;
    expect(window!.loaded).toEqual([`${SERVER}/#token=${TOKEN}`]);
    expect(window!.options.webPreferences).toMatchObject({
      preload: '/repo/electron/dist/preload.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    });
    expect(fake.app.getPath('userData')).toBe(join(appData, 'Runway'));
    // Run as `electron main.cjs`: the system must start the script for a runway:// link.
    expect(fake.app.protocolClients).toEqual([
      {
        protocol: 'runway',
        path: '/opt/electron/electron',
        args: ['/repo/electron/dist/main.cjs'],
      },
    ]);
    expect(fake.app.lockData).toEqual({ serverUrl: SERVER, token: TOKEN });
    expect([...fake.handlers.keys()].sort()).toEqual(
      Object.values(DESKTOP_INVOKE_CHANNELS)
        .map((spec) => spec.channel)
        .sort(),
    );
  });

  it('quits when another instance holds the lock, without opening a window', async () => {
    const fake = await start({}, { gotLock: false });
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.windows).toHaveLength(0);
    expect(fake.handlers.size).toBe(0);
  });

  it('opens the experiment of a runway:// link given on the command line at first launch', async () => {
    const fake = await start({
      argv: ['/opt/electron/electron', '/repo/main.cjs', 'runway://experiment/checkout-v2'],
    });
    expect(fake.windows[0]!.loaded).toEqual([`${SERVER}/experiments/checkout-v2#token=${TOKEN}`]);
  });

  it('connects to the local default, without a token, when started by hand', async () => {
    const fake = await start({ env: { RUNWAY_PORT: '7600' } });
    expect(fake.windows[0]!.loaded).toEqual(['http://127.0.0.1:7600/']);
    expect(fake.app.lockData).toEqual({});
  });

  it('leaves the system’s runway:// handler alone in a separate profile', async () => {
    const profile = join(appData, 'profile');
    const fake = await start({ env: { RUNWAY_URL: SERVER, RUNWAY_DESKTOP_PROFILE: profile } });
    expect(fake.app.getPath('userData')).toBe(profile);
    expect(fake.app.protocolClients).toEqual([]);
  });

  it('quits when the window closes, except on macOS', async () => {
    const linux = await start();
    linux.app.emit('window-all-closed');
    expect(linux.app.quitCalls).toBe(1);
    const mac = await start({ platform: 'darwin' });
    mac.app.emit('window-all-closed');
    expect(mac.app.quitCalls).toBe(0);
    mac.windows[0]!.close();
    mac.app.emit('activate');
    expect(mac.windows).toHaveLength(2);
  });
});

describe('deep links into the running shell', () => {
  it('routes a second instance’s link into the open window and brings it forward', async () => {
    const fake = await start();
    const window = fake.windows[0]!;
    window.minimized = true;
    fake.app.emit(
      'second-instance',
      {},
      ['electron', 'main.cjs', 'runway://experiment/search-ranking'],
      '/',
      {},
    );
    expect(window.webContents.sent).toEqual([
      { channel: NAVIGATE, payload: { path: '/experiments/search-ranking' } },
    ]);
    expect(window.minimized).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focusCount).toBe(1);
    expect(fake.windows).toHaveLength(1);
  });

  it('routes macOS open-url links, and ignores links that name no experiment', async () => {
    const fake = await start({ platform: 'darwin' });
    let prevented = 0;
    const event = { preventDefault: () => (prevented += 1) };
    fake.app.emit('open-url', event, 'runway://experiment/cart-redesign');
    fake.app.emit('open-url', event, 'runway://experiment/Not_A_Key');
    fake.app.emit('open-url', event, 'runway://queue');
    expect(prevented).toBe(3);
    expect(fake.windows[0]!.webContents.sent.map((sent) => sent.payload)).toEqual([
      { path: '/experiments/cart-redesign' },
      { path: '/queue' },
    ]);
    expect(logged).toContain('runway desktop: ignored the link runway://experiment/Not_A_Key');
  });

  it('moves the window to the server a second npm start handed over', async () => {
    const fake = await start();
    fake.app.emit('second-instance', {}, ['electron', 'main.cjs'], '/', {
      serverUrl: 'http://127.0.0.1:7700',
      token: 'rwy_second',
    });
    expect(fake.windows[0]!.loaded.at(-1)).toBe('http://127.0.0.1:7700/#token=rwy_second');
  });
});

describe('notifications and the badge', () => {
  it('shows a native notification; a click focuses the window and opens the experiment', async () => {
    const fake = await start();
    await fake.invoke(
      DESKTOP_INVOKE_CHANNELS.notify.channel,
      {
        title: 'Runway rolled back checkout-v2',
        body: 'error_rate over 0.02',
        experimentKey: 'checkout-v2',
      },
      `${SERVER}/queue`,
    );
    expect(fake.notifications).toHaveLength(1);
    const [notification] = fake.notifications;
    expect(notification!.options).toEqual({
      title: 'Runway rolled back checkout-v2',
      body: 'error_rate over 0.02',
    });
    expect(notification!.shown).toBe(true);
    notification!.emit('click');
    const window = fake.windows[0]!;
    expect(window.webContents.sent).toEqual([
      { channel: NAVIGATE, payload: { path: '/experiments/checkout-v2' } },
    ]);
    expect(window.focusCount).toBe(1);
  });

  it('says so in the log where the system has no notifications', async () => {
    const fake = await start({}, { notificationsSupported: false });
    await fake.invoke(
      DESKTOP_INVOKE_CHANNELS.notify.channel,
      { title: 'Guardrail failed: checkout-v2', body: '', experimentKey: null },
      `${SERVER}/`,
    );
    expect(fake.notifications).toHaveLength(0);
    expect(logged.at(-1)).toContain('notifications are not supported here');
  });

  it('puts the count of open pages on the tray icon, its tooltip and menu, and the app badge', async () => {
    const fake = await start();
    const tray = fake.trays[0]!;
    const calmIcon = tray.image;
    expect(tray.tooltip).toBe(`Runway — no open pages\n${SERVER}`);
    await fake.invoke(DESKTOP_INVOKE_CHANNELS.setBadge.channel, { count: 3 }, `${SERVER}/`);
    expect(tray.tooltip).toBe(`Runway — 3 open pages\n${SERVER}`);
    expect(tray.menu[0]!.label).toBe('Open Runway (3 open pages)');
    expect(tray.image).not.toBe(calmIcon);
    expect(fake.app.badgeCount).toBe(3);
    await fake.invoke(DESKTOP_INVOKE_CHANNELS.setBadge.channel, { count: 0 }, `${SERVER}/`);
    expect(tray.image).toBe(calmIcon);
    expect(fake.app.badgeCount).toBe(0);
  });
});

describe('the server setting', () => {
  const save = DESKTOP_INVOKE_CHANNELS.saveSettings.channel;

  it('saves another server in userData, reloads the window there, and returns to the local one', async () => {
    const fake = await start();
    const window = fake.windows[0]!;
    const result = await fake.invoke(
      save,
      { serverUrl: ' https://runway.example.com/queue ', token: 'rwy_remote' },
      `${SERVER}/`,
    );
    expect(result).toEqual({ reloading: true });
    expect(window.loaded.at(-1)).toBe('https://runway.example.com/#token=rwy_remote');
    const saved = JSON.parse(readFileSync(join(appData, 'Runway', 'settings.json'), 'utf8'));
    expect(saved).toEqual({ serverUrl: 'https://runway.example.com', token: 'rwy_remote' });
    // The bridge now answers only the new origin.
    await expect(
      fake.invoke(DESKTOP_INVOKE_CHANNELS.getSettings.channel, null, `${SERVER}/`),
    ).rejects.toThrow('only the console loaded from https://runway.example.com');
    expect(
      await fake.invoke(
        DESKTOP_INVOKE_CHANNELS.getSettings.channel,
        null,
        'https://runway.example.com/',
      ),
    ).toEqual({
      serverUrl: 'https://runway.example.com',
      hasToken: true,
      source: 'saved',
      localServerUrl: SERVER,
    });

    const reset = await fake.invoke(
      DESKTOP_INVOKE_CHANNELS.resetSettings.channel,
      null,
      'https://runway.example.com/queue',
    );
    expect(reset).toEqual({ reloading: true });
    expect(window.loaded.at(-1)).toBe(`${SERVER}/#token=${TOKEN}`);
  });

  it('keeps a token signed in with on the same server without reloading, and writes nothing for the one in use', async () => {
    const fake = await start();
    const window = fake.windows[0]!;
    expect(await fake.invoke(save, { serverUrl: SERVER, token: TOKEN }, `${SERVER}/`)).toEqual({
      reloading: false,
    });
    expect(nodeDesktopFiles.read(join(appData, 'Runway', 'settings.json'))).toBeNull();
    expect(await fake.invoke(save, { serverUrl: SERVER, token: 'rwy_vic' }, `${SERVER}/`)).toEqual({
      reloading: false,
    });
    expect(window.loaded).toHaveLength(1);
    // Restarted: the saved token wins over the one npm start hands over.
    const again = await start();
    expect(again.windows[0]!.loaded).toEqual([`${SERVER}/#token=rwy_vic`]);
  });
});
