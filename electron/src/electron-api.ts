// The part of Electron's API the desktop shell uses, described here rather than imported from
// the `electron` package: that package is optional (its binary cannot be downloaded everywhere),
// so nothing but main.ts and preload.ts may depend on it being installed. Each member matches
// Electron's own signature for the arguments Runway passes; tests hand in a fake of this shape.

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Display {
  /** The display minus taskbars and docks: where a window may sit. */
  workArea: Rectangle;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface NativeImage {
  isEmpty(): boolean;
}

export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: 'normal' | 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

/** A menu Menu.buildFromTemplate made: only ever handed back to Electron. */
export type Menu = object;

export interface WebFrameMain {
  readonly url: string;
  /** null for a window's top frame. */
  readonly parent: WebFrameMain | null;
}

export interface IpcMainInvokeEvent {
  readonly senderFrame: WebFrameMain | null;
}

export interface IpcMain {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface IpcRendererEvent {
  readonly sender?: unknown;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: IpcRendererEvent, ...args: unknown[]) => void,
  ): unknown;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export interface HeadersReceivedDetails {
  url: string;
  resourceType: string;
  responseHeaders?: Record<string, string[]>;
}

export interface Session {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export interface NavigationEvent extends PreventableEvent {
  /** Electron 25+ puts the URL on the event; the second listener argument is kept for older ones. */
  url?: string;
}

export interface WebContents {
  readonly session: Session;
  send(channel: string, ...args: unknown[]): void;
  isLoading(): boolean;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: NavigationEvent, url: string) => void,
  ): void;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): void;
  on(event: 'did-finish-load', listener: () => void): void;
  on(
    event: 'did-fail-load',
    listener: (
      event: unknown,
      errorCode: number,
      errorDescription: string,
      validatedUrl: string,
      isMainFrame: boolean,
    ) => void,
  ): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface BrowserWindowOptions {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: NativeImage;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    nodeIntegration: false;
    sandbox: true;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: boolean;
  };
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rectangle;
  on(
    event: 'ready-to-show' | 'close' | 'closed' | 'resize' | 'move' | 'maximize' | 'unmaximize',
    listener: () => void,
  ): void;
}

export interface Tray {
  setToolTip(text: string): void;
  /** macOS: text beside the icon in the menu bar. */
  setTitle(title: string): void;
  setImage(image: NativeImage): void;
  setContextMenu(menu: Menu): void;
  on(event: 'click', listener: () => void): void;
  destroy(): void;
}

export interface Notification {
  on(event: 'click' | 'close', listener: () => void): void;
  show(): void;
}

export interface App {
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  on(
    event: 'second-instance',
    listener: (
      event: unknown,
      argv: string[],
      workingDirectory: string,
      additionalData: unknown,
    ) => void,
  ): void;
  on(event: 'open-url', listener: (event: PreventableEvent, url: string) => void): void;
  on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): void;
  whenReady(): Promise<void>;
  getPath(name: 'appData' | 'userData'): string;
  setPath(name: 'userData', path: string): void;
  setName(name: string): void;
  setAppUserModelId(id: string): void;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setBadgeCount(count: number): boolean;
  quit(): void;
}

/** The `electron` module as the main process sees it (only what Runway uses). */
export interface ElectronMain {
  app: App;
  BrowserWindow: new (options: BrowserWindowOptions) => BrowserWindow;
  Tray: new (image: NativeImage) => Tray;
  Menu: {
    buildFromTemplate(template: MenuItemTemplate[]): Menu;
    setApplicationMenu(menu: Menu | null): void;
  };
  Notification: (new (options: { title: string; body: string }) => Notification) & {
    isSupported(): boolean;
  };
  nativeImage: {
    createFromBuffer(buffer: Buffer, options?: { scaleFactor?: number }): NativeImage;
  };
  screen: { getAllDisplays(): Display[]; getPrimaryDisplay(): Display };
  shell: { openExternal(url: string): Promise<void> };
  ipcMain: IpcMain;
}

/** The `electron` module as a sandboxed preload script sees it. */
export interface ElectronPreload {
  contextBridge: ContextBridge;
  ipcRenderer: IpcRenderer;
}
