import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSOLE_CONTENT_SECURITY_POLICY } from './content-security-policy';
import { nodeDesktopFiles } from './desktop-files';
import { createMainWindow, type MainWindowDeps } from './main-window';
import {
  createFakeElectron,
  type FakeBrowserWindow,
  type FakeElectron,
} from './testing/fake-electron';
import { WINDOW_STATE_FILE } from './window-state';

const SERVER = 'http://127.0.0.1:7531';

let userData: string;
let fake: FakeElectron;
let logged: string[];

beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'runway-window-'));
  fake = createFakeElectron({
    appDataDir: userData,
    displays: [
      { workArea: { x: 0, y: 0, width: 1920, height: 1040 } },
      { workArea: { x: 1920, y: 0, width: 1280, height: 1000 } },
    ],
  });
  logged = [];
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(userData, { recursive: true, force: true });
});

function open(): FakeBrowserWindow {
  const deps: MainWindowDeps = {
    electron: fake.electron,
    preloadPath: '/repo/electron/dist/preload.cjs',
    userDataDir: userData,
    files: nodeDesktopFiles,
    icon: { isEmpty: () => false },
    serverOrigin: () => SERVER,
    log: (line) => logged.push(line),
  };
  createMainWindow(deps, `${SERVER}/#token=rwy_x`);
  return fake.windows.at(-1)!;
}

function writeState(state: unknown): void {
  nodeDesktopFiles.write(join(userData, WINDOW_STATE_FILE), JSON.stringify(state));
}

describe('the window’s place', () => {
  it('opens at the default size the first time, and shows itself once painted', () => {
    const window = open();
    expect(window.options).toMatchObject({ width: 1280, height: 820, show: false });
    expect(window.options.x).toBeUndefined();
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('saves its place on close and comes back there, maximised if it was', () => {
    const first = open();
    first.bounds = { x: 2000, y: 40, width: 1100, height: 700 };
    first.maximized = true;
    first.close();

    const second = open();
    expect(second.options).toMatchObject({ x: 2000, y: 40, width: 1100, height: 700 });
    second.emit('ready-to-show');
    expect(second.maximized).toBe(true);
  });

  it('saves moves once they settle, so a crash keeps the last place', () => {
    vi.useFakeTimers();
    const first = open();
    first.bounds = { x: 10, y: 20, width: 900, height: 600 };
    first.emit('move');
    first.emit('resize');
    expect(nodeDesktopFiles.read(join(userData, WINDOW_STATE_FILE))).toBeNull();
    vi.advanceTimersByTime(600);
    expect(JSON.parse(nodeDesktopFiles.read(join(userData, WINDOW_STATE_FILE))!)).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: false,
    });
  });

  it('comes back on screen when its display is gone', () => {
    writeState({ x: 5000, y: 300, width: 1000, height: 700, maximized: false });
    expect(open().options).toMatchObject({ x: 460, y: 170, width: 1000, height: 700 });
  });

  it('opens at the default place when the saved file is corrupt', () => {
    nodeDesktopFiles.write(join(userData, WINDOW_STATE_FILE), '{"x": 10, "y": ');
    expect(open().options).toMatchObject({ width: 1280, height: 820 });
    writeState({ x: 'left', y: 0, width: 800, height: 600, maximized: false });
    expect(open().options.x).toBeUndefined();
  });
});

describe('the window’s locks', () => {
  it('keeps navigation on the server; other http(s) sites go to the system browser, the rest nowhere', () => {
    const contents = open().webContents;
    expect(contents.navigate(`${SERVER}/experiments/checkout-v2`)).toBe(false);
    expect(contents.navigate('https://grafana.example.com/d/checkout')).toBe(true);
    expect(contents.navigate('http://127.0.0.1:9999/')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    expect(contents.navigate('https://evil.example/', 'will-redirect')).toBe(true);
    expect(fake.externalUrls).toEqual([
      'https://grafana.example.com/d/checkout',
      'http://127.0.0.1:9999/',
      'https://evil.example/',
    ]);
    expect(logged).toEqual(['runway desktop: blocked navigation to file:///etc/passwd']);
  });

  it('denies every new window: console links open in place, web links in the browser', () => {
    const window = open();
    const handler = window.webContents.windowOpenHandler!;
    expect(handler({ url: `${SERVER}/experiments/checkout-v2` })).toEqual({ action: 'deny' });
    expect(window.webContents.sent).toEqual([
      { channel: 'runway:navigate', payload: { path: '/experiments/checkout-v2' } },
    ]);
    expect(handler({ url: 'https://runbooks.example.com/checkout' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(handler({ url: `${SERVER}/trpc/experiments.list` })).toEqual({ action: 'deny' });
    expect(fake.externalUrls).toEqual(['https://runbooks.example.com/checkout']);
    expect(window.webContents.sent).toHaveLength(1);
  });

  it('sends the CSP header with every response, and grants no permission', () => {
    const contents = open().webContents;
    let headers: Record<string, string[]> | undefined;
    contents.headersListener!(
      {
        url: `${SERVER}/`,
        resourceType: 'mainFrame',
        responseHeaders: { 'content-type': ['text/html'] },
      },
      (response) => (headers = response.responseHeaders),
    );
    expect(headers).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': [CONSOLE_CONTENT_SECURITY_POLICY],
    });
    let granted: boolean | null = null;
    contents.permissionRequest!(null, 'notifications', (answer) => (granted = answer));
    expect(granted).toBe(false);
    expect(contents.permissionCheck!(null, 'media')).toBe(false);
    let webviewPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
  });

  it('explains an unreachable server instead of showing a blank window', () => {
    const window = open();
    window.webContents.emit(
      'did-fail-load',
      {},
      -102,
      'ERR_CONNECTION_REFUSED',
      `${SERVER}/`,
      true,
    );
    window.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', `${SERVER}/queue`, true);
    expect(window.loaded).toHaveLength(2);
    const page = decodeURIComponent(
      window.loaded[1]!.replace(/^data:text\/html;charset=utf-8,/, ''),
    );
    expect(page).toContain('Runway cannot reach its server');
    expect(page).toContain(`<code>${SERVER}</code>`);
    expect(page).toContain('ERR_CONNECTION_REFUSED');
    expect(page).toContain('npm start');
  });
});
