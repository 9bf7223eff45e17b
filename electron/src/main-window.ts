// The one console window: locked down (isolated, sandboxed, no Node, a CSP header, navigation
// held to the server's origin), placed where it was last left, and saving its place as it moves.
import { join } from 'node:path';
import { DESKTOP_EVENT_CHANNELS, type EventPayload } from '../../shared/src/desktop-bridge';
import { withContentSecurityPolicy } from './content-security-policy';
import type { DesktopFiles } from './desktop-files';
import type { BrowserWindow, ElectronMain, NativeImage } from './electron-api';
import { decideNavigation, decideWindowOpen, originOf } from './navigation-policy';
import {
  captureWindowState,
  MIN_WINDOW_SIZE,
  parseWindowState,
  placeWindow,
  serializeWindowState,
  WINDOW_STATE_FILE,
} from './window-state';

/** Moves and resizes arrive many times a second while dragging: save once it settles. */
const SAVE_STATE_DELAY_MS = 500;
/** Chromium's "aborted" load error: a newer navigation replaced this one, not a failure. */
const ERR_ABORTED = -3;

export interface MainWindowDeps {
  electron: ElectronMain;
  preloadPath: string;
  userDataDir: string;
  files: DesktopFiles;
  icon: NativeImage;
  /** The origin the window may show, read per check: it changes with the server setting. */
  serverOrigin(): string;
  log(line: string): void;
}

export interface MainWindow {
  readonly window: BrowserWindow;
  /** Loads a console URL (from main: not subject to the navigation lock). */
  load(url: string): void;
  /** Tells the console to show a path; delivered once it listens (see preload-bridge). */
  send<E extends keyof typeof DESKTOP_EVENT_CHANNELS>(event: E, payload: EventPayload<E>): void;
  /** Brings the window to the front, restoring it from the taskbar or tray. */
  reveal(): void;
}

/** Applies the security rules to the window's session (once per session; repeat calls replace). */
function lockDownSession(window: BrowserWindow): void {
  const session = window.webContents.session;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details) });
  });
  // The console asks for nothing: notifications go through the bridge, not the web API.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

function guardNavigation(
  deps: MainWindowDeps,
  window: BrowserWindow,
  reveal: (path: string) => void,
) {
  const contents = window.webContents;
  const onNavigate = (event: { preventDefault(): void; url?: string }, url: string): void => {
    const decision = decideNavigation(event.url ?? url, deps.serverOrigin());
    if (decision.kind === 'stay') return;
    event.preventDefault();
    if (decision.kind === 'external') void deps.electron.shell.openExternal(decision.url);
    else deps.log(`runway desktop: blocked navigation to ${event.url ?? url}`);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, deps.serverOrigin());
    if (decision.kind === 'external') void deps.electron.shell.openExternal(decision.url);
    if (decision.kind === 'open-in-window') reveal(decision.path);
    return { action: 'deny' };
  });
}

/** A page saying the server cannot be reached, and what to do; static, no scripts. */
export function unreachablePage(serverUrl: string, problem: string): string {
  const escape = (text: string): string =>
    text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>Runway — cannot connect</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5; color: #1b2330">
<h1 style="font-size: 1.3rem">Runway cannot reach its server</h1>
<p>The console is served by the Runway server at <code>${escape(serverUrl)}</code>, and loading it
failed: <strong>${escape(problem)}</strong>.</p>
<p>Start the server from the repository folder with <code>npm start</code>, then choose
<em>Reconnect</em> in the File menu or the tray menu. To use another server, choose
<em>Use the local server</em> there, or change it in <em>Server settings…</em> once the console is open.</p>
</body>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

export function createMainWindow(deps: MainWindowDeps, initialUrl: string): MainWindow {
  const statePath = join(deps.userDataDir, WINDOW_STATE_FILE);
  const { screen } = deps.electron;
  const placement = placeWindow(
    parseWindowState(deps.files.read(statePath)),
    screen.getAllDisplays(),
    screen.getPrimaryDisplay(),
  );
  const window = new deps.electron.BrowserWindow({
    ...placement.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Runway',
    icon: deps.icon,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: deps.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveState = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (window.isDestroyed()) return;
    const state = captureWindowState(window.getNormalBounds(), window.isMaximized());
    try {
      deps.files.write(statePath, serializeWindowState(state));
    } catch (error) {
      deps.log(`runway desktop: cannot save the window's place: ${(error as Error).message}`);
    }
  };
  const saveSoon = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveState, SAVE_STATE_DELAY_MS);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
    window.on(event, saveSoon);
  window.on('close', saveState);

  const reveal = (): void => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const send: MainWindow['send'] = (event, payload) => {
    if (!window.isDestroyed())
      window.webContents.send(DESKTOP_EVENT_CHANNELS[event].channel, payload);
  };

  lockDownSession(window);
  guardNavigation(deps, window, (path) => {
    send('navigate', { path });
    reveal();
  });
  window.webContents.on('did-fail-load', (_event, errorCode, description, url, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED || originOf(url) !== deps.serverOrigin()) return;
    deps.log(`runway desktop: cannot load ${url}: ${description}`);
    void window.loadURL(unreachablePage(deps.serverOrigin(), description));
  });
  window.on('ready-to-show', () => {
    if (placement.maximized) window.maximize();
    window.show();
  });

  const load = (url: string): void => {
    window.loadURL(url).catch(() => {
      // did-fail-load reports it and shows the page that explains it.
    });
  };
  load(initialUrl);
  return { window, load, send, reveal };
}
