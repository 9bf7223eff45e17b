// The shell's native chrome as plain data: the tray's tooltip and menu, and the application
// menu. desktop-app.ts hands these to Electron; tests read them.
import type { MenuItemTemplate } from './electron-api';

export interface MenuActions {
  showWindow(): void;
  openSettings(): void;
  /** Loads the console again from the server in use (after the server came back). */
  reconnect(): void;
  useLocalServer(): void;
  quit(): void;
}

export function openPagesText(count: number): string {
  if (count === 0) return 'no open pages';
  return count === 1 ? '1 open page' : `${count} open pages`;
}

export function trayTooltip(count: number, serverUrl: string): string {
  return `Runway — ${openPagesText(count)}\n${serverUrl}`;
}

export function trayMenuTemplate(
  count: number,
  actions: MenuActions,
  usingLocalServer: boolean,
): MenuItemTemplate[] {
  return [
    { label: `Open Runway (${openPagesText(count)})`, click: actions.showWindow },
    { type: 'separator' },
    { label: 'Server settings…', click: actions.openSettings },
    { label: 'Reconnect', click: actions.reconnect },
    { label: 'Use the local server', enabled: !usingLocalServer, click: actions.useLocalServer },
    { type: 'separator' },
    { label: 'Quit Runway', click: actions.quit },
  ];
}

export function applicationMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
  usingLocalServer: boolean,
): MenuItemTemplate[] {
  const serverItems: MenuItemTemplate[] = [
    { label: 'Server settings…', accelerator: 'CmdOrCtrl+,', click: actions.openSettings },
    { label: 'Reconnect', click: actions.reconnect },
    { label: 'Use the local server', enabled: !usingLocalServer, click: actions.useLocalServer },
  ];
  const quit: MenuItemTemplate = {
    label: 'Quit Runway',
    accelerator: 'CmdOrCtrl+Q',
    click: actions.quit,
  };
  return [
    {
      label: platform === 'darwin' ? 'Runway' : 'File',
      submenu: [...serverItems, { type: 'separator' }, quit],
    },
    // The edit roles make copy, paste and undo work in the console's fields (macOS needs them).
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  ];
}
