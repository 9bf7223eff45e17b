// The desktop shell's wiring: one instance, one window, a tray, native notifications and
// `runway://` links, with the console (renderer) doing all the work of talking to the server.
// main.ts hands in the real Electron module; tests hand in a fake of electron-api.ts.
import { join } from 'node:path';
import type { DesktopNotification } from '../../shared/src/desktop-bridge';
import { deepLinkFromArgs, deepLinkPath, experimentConsolePath } from './deep-link';
import type { DesktopFiles } from './desktop-files';
import { registerDesktopIpc } from './desktop-ipc';
import { applicationMenuTemplate, type MenuActions } from './desktop-menus';
import {
  consoleUrl,
  createSettingsStore,
  environmentSettings,
  type SettingsChange,
  type SettingsStore,
} from './desktop-settings';
import { createDesktopTray, type DesktopTray } from './desktop-tray';
import type { ElectronMain, Notification } from './electron-api';
import { createMainWindow, type MainWindow } from './main-window';
import { runwayIconPng } from './runway-icon';

export const DEEP_LINK_SCHEME = 'runway';

export interface DesktopDeps {
  env: NodeJS.ProcessEnv;
  /** This process's arguments: a deep link there opens at first launch. */
  argv: readonly string[];
  platform: NodeJS.Platform;
  /**
   * True when run as `electron main.cjs` (not a packaged app): the system must then start the
   * shell for a link with the script path too.
   */
  defaultApp: boolean;
  execPath: string;
  mainScript: string;
  preloadPath: string;
  files: DesktopFiles;
  log(line: string): void;
}

export interface DesktopApp {
  start(): void;
}

/** What a second launch hands to the running shell: the server `npm start` just started. */
function handoffData(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const settings = environmentSettings(env);
  return settings.source === 'launcher'
    ? { serverUrl: settings.serverUrl, token: settings.token }
    : {};
}

export function createDesktopApp(electron: ElectronMain, deps: DesktopDeps): DesktopApp {
  const { app } = electron;
  let settings: SettingsStore;
  let mainWindow: MainWindow | null = null;
  let tray: DesktopTray | null = null;
  let ready = false;
  let pendingPath: string | null = null;
  // Electron drops a notification's click handler if nothing holds the notification.
  const shownNotifications = new Set<Notification>();
  const serverOrigin = (): string => settings.current().serverUrl;

  const windowAlive = (): MainWindow | null =>
    mainWindow && !mainWindow.window.isDestroyed() ? mainWindow : null;

  const openWindow = (path: string): void => {
    const current = settings.current();
    mainWindow = createMainWindow(
      {
        electron,
        preloadPath: deps.preloadPath,
        userDataDir: app.getPath('userData'),
        files: deps.files,
        icon: electron.nativeImage.createFromBuffer(runwayIconPng(128)),
        serverOrigin,
        log: deps.log,
      },
      consoleUrl(current, path),
    );
  };

  /** Shows a console path: in the open console, or in a new window if there is none yet. */
  const openPath = (path: string): void => {
    if (!ready) {
      pendingPath = path;
      return;
    }
    const open = windowAlive();
    if (!open) {
      openWindow(path);
      return;
    }
    open.send('navigate', { path });
    open.reveal();
  };

  const openLink = (link: string | readonly string[]): void => {
    const parsed = deepLinkFromArgs(typeof link === 'string' ? [link] : link);
    if (parsed) openPath(deepLinkPath(parsed));
    else if (typeof link === 'string') deps.log(`runway desktop: ignored the link ${link}`);
  };

  const applySettingsChange = (change: SettingsChange, reloadOnTokenChange: boolean): boolean => {
    tray?.refresh();
    refreshApplicationMenu();
    const reload = change.serverChanged || (reloadOnTokenChange && change.tokenChanged);
    const open = windowAlive();
    if (reload && open) open.load(consoleUrl(settings.current()));
    return reload;
  };

  const actions: MenuActions = {
    showWindow: () => {
      if (!ready) return;
      const open = windowAlive();
      if (open) open.reveal();
      else openWindow('/');
    },
    openSettings: () => {
      const open = windowAlive();
      if (!open) return;
      open.reveal();
      open.send('openSettings', null);
    },
    reconnect: () => windowAlive()?.load(consoleUrl(settings.current())),
    useLocalServer: () => {
      applySettingsChange(settings.reset(), true);
    },
    quit: () => app.quit(),
  };

  function refreshApplicationMenu(): void {
    const template = applicationMenuTemplate(
      actions,
      deps.platform,
      settings.current().source !== 'saved',
    );
    electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(template));
  }

  const notify = (notification: DesktopNotification): null => {
    if (!electron.Notification.isSupported()) {
      deps.log(`runway desktop: notifications are not supported here: ${notification.title}`);
      return null;
    }
    const shown = new electron.Notification({ title: notification.title, body: notification.body });
    shownNotifications.add(shown);
    shown.on('click', () => {
      shownNotifications.delete(shown);
      if (notification.experimentKey) openPath(experimentConsolePath(notification.experimentKey));
      else actions.showWindow();
    });
    shown.on('close', () => shownNotifications.delete(shown));
    shown.show();
    return null;
  };

  const registerIpc = (): void => {
    registerDesktopIpc(
      electron.ipcMain,
      {
        getSettings: () => settings.view(),
        saveSettings: ({ serverUrl, token }) => {
          const current = settings.current();
          // No token typed: keep the one in use if the server stays; another server gets none.
          const kept = token ?? (serverUrl === current.serverUrl ? current.token : null);
          return {
            reloading: applySettingsChange(settings.save({ serverUrl, token: kept }), false),
          };
        },
        resetSettings: () => ({ reloading: applySettingsChange(settings.reset(), true) }),
        setBadge: ({ count }) => {
          tray?.setOpenPageCount(count);
          return null;
        },
        notify,
        openExternal: async ({ url }) => {
          await electron.shell.openExternal(url);
          return null;
        },
      },
      serverOrigin,
    );
  };

  const registerLinkHandler = (): void => {
    // A separate profile (tests, a second setup) must not take over the system's runway:// links.
    if (deps.env.RUNWAY_DESKTOP_PROFILE) return;
    const registered = deps.defaultApp
      ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, deps.execPath, [deps.mainScript])
      : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
    if (!registered)
      deps.log('runway desktop: could not register as the handler of runway:// links');
  };

  const onSecondInstance = (argv: readonly string[], data: unknown): void => {
    if (data && typeof data === 'object' && 'serverUrl' in data) {
      const handed = data as { serverUrl?: unknown; token?: unknown };
      const next = environmentSettings({
        RUNWAY_URL: typeof handed.serverUrl === 'string' ? handed.serverUrl : '',
        RUNWAY_TOKEN: typeof handed.token === 'string' ? handed.token : '',
      });
      if (next.source === 'launcher') applySettingsChange(settings.replaceEnvironment(next), true);
    }
    const link = deepLinkFromArgs(argv);
    if (link) openPath(deepLinkPath(link));
    else actions.showWindow();
  };

  return {
    start() {
      app.setName('Runway');
      const profile = deps.env.RUNWAY_DESKTOP_PROFILE;
      app.setPath('userData', profile ? profile : join(app.getPath('appData'), 'Runway'));
      settings = createSettingsStore(app.getPath('userData'), deps.files, deps.env);
      // The lock lives in userData, so it is taken after choosing the profile.
      if (!app.requestSingleInstanceLock(handoffData(deps.env))) {
        deps.log('runway desktop: already running; handed this launch to the open window');
        app.quit();
        return;
      }
      if (deps.platform === 'win32') app.setAppUserModelId('dev.runway.console');
      const firstLink = deepLinkFromArgs(deps.argv);
      pendingPath = firstLink ? deepLinkPath(firstLink) : null;
      // macOS delivers links as open-url, possibly before the app is ready.
      app.on('open-url', (event, url) => {
        event.preventDefault();
        openLink(url);
      });
      app.on('second-instance', (_event, argv, _cwd, data) => onSecondInstance(argv, data));
      app.on('window-all-closed', () => {
        if (deps.platform !== 'darwin') app.quit();
      });
      app.on('activate', () => actions.showWindow());
      app.on('before-quit', () => tray?.destroy());

      void app.whenReady().then(() => {
        ready = true;
        registerLinkHandler();
        registerIpc();
        refreshApplicationMenu();
        tray = createDesktopTray(
          electron,
          {
            normal: electron.nativeImage.createFromBuffer(runwayIconPng(32), { scaleFactor: 2 }),
            alert: electron.nativeImage.createFromBuffer(runwayIconPng(32, { alert: true }), {
              scaleFactor: 2,
            }),
          },
          actions,
          {
            platform: deps.platform,
            serverUrl: serverOrigin,
            usingLocalServer: () => settings.current().source !== 'saved',
          },
          deps.log,
        );
        openWindow(pendingPath ?? '/');
        pendingPath = null;
      });
    },
  };
}
