// The tray icon: the count of open pages at a glance (a red dot on the icon, the tooltip, the
// menu's first line, the dock/launcher badge where the system has one) and a menu that works
// even when the console cannot load.
import type { ElectronMain, NativeImage, Tray } from './electron-api';
import { trayMenuTemplate, trayTooltip, type MenuActions } from './desktop-menus';

export interface DesktopTray {
  setOpenPageCount(count: number): void;
  /** Rebuilds the menu and tooltip (after the server setting changed). */
  refresh(): void;
  destroy(): void;
}

export interface TrayImages {
  normal: NativeImage;
  alert: NativeImage;
}

export function createDesktopTray(
  electron: ElectronMain,
  images: TrayImages,
  actions: MenuActions,
  context: { platform: NodeJS.Platform; serverUrl(): string; usingLocalServer(): boolean },
  log: (line: string) => void,
): DesktopTray {
  let count = 0;
  let tray: Tray | null = null;
  try {
    tray = new electron.Tray(images.normal);
    tray.on('click', actions.showWindow);
  } catch (error) {
    // Some Linux desktops have no tray; the badge and notifications still work without one.
    log(`runway desktop: no tray icon on this desktop: ${(error as Error).message}`);
  }

  const refresh = (): void => {
    electron.app.setBadgeCount(count);
    if (!tray) return;
    tray.setToolTip(trayTooltip(count, context.serverUrl()));
    tray.setImage(count > 0 ? images.alert : images.normal);
    if (context.platform === 'darwin') tray.setTitle(count > 0 ? String(count) : '');
    tray.setContextMenu(
      electron.Menu.buildFromTemplate(trayMenuTemplate(count, actions, context.usingLocalServer())),
    );
  };
  refresh();

  return {
    setOpenPageCount(next) {
      if (next === count) return;
      count = next;
      refresh();
    },
    refresh,
    destroy() {
      tray?.destroy();
      tray = null;
    },
  };
}
